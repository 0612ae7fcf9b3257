import type { HealthReport } from "./check-health.js";

/** The health report as a terminal table (`npm run etl -- status`), UTC throughout. */
export function formatStatusTable(report: HealthReport): string {
  const header = ["COLLECTION", "LAST RUN (UTC)", "OUTCOME", "DOCUMENTS", "LAST SUCCESS (UTC)", "LAG", "STATUS"];
  const rows = report.collections.map((c) => [
    c.collection,
    shortTime(c.lastRun?.startedAt),
    c.lastRun?.outcome ?? "never ran",
    c.lastRun ? String(c.lastRun.documents) : "-",
    shortTime(c.lastSuccess?.startedAt),
    formatLag(c.lagMinutes),
    c.status === "fresh" ? "fresh" : "STALE",
  ]);
  const numeric = new Set([3]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();

  const out = [line(header), ...rows.map(line)];
  const errors = report.collections.filter((c) => c.lastError && (c.status === "stale" || c.lastRun?.outcome === "failed"));
  if (errors.length > 0) {
    out.push("", "Last errors:");
    for (const c of errors) out.push(`  ${c.collection} (run ${c.lastError!.runId}, ${shortTime(c.lastError!.at)}): ${c.lastError!.message}`);
  }
  out.push("");
  out.push(
    report.status === "healthy"
      ? `healthy: every collection is complete to within ${report.maxLagMinutes} min (checked ${shortTime(report.checkedAt)} UTC)`
      : `STALE: ${report.collections
          .filter((c) => c.status === "stale")
          .map((c) => `${c.collection} (${c.reason})`)
          .join("; ")}`,
  );
  return out.join("\n") + "\n";
}

function shortTime(isoTime: string | null | undefined): string {
  return isoTime ? isoTime.replace("T", " ").slice(0, 16) : "-";
}

export function formatLag(minutes: number | null): string {
  if (minutes === null) return "-";
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}
