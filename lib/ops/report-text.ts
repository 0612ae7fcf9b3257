import type { QualityReport } from "./report.js";
import { pct } from "./report-measures.js";

/** The report for a terminal: findings worst first, then one block per collection. */
export function formatReportText(report: QualityReport): string {
  const out = [`Data-quality report ${report.from} … ${report.to} (${report.days} days, UTC), at ${report.generatedAt}`, `WORST: ${report.worst.toUpperCase()}`, ""];
  out.push("Findings:");
  if (report.findings.length === 0) out.push("  none");
  for (const f of report.findings) out.push(`  ${f.level.toUpperCase().padEnd(8)}  ${f.collection.padEnd(9)}  ${f.measure.padEnd(12)}  ${f.message}`);
  for (const c of report.collections) {
    const v = c.validity;
    out.push("", `${c.collection}: ${c.rows} curated rows, ${v.quarantined} quarantined`);
    out.push(`  volume/day    ${c.volume.days.map((d) => `${d.day.slice(5)} ${d.rows}${d.anomaly ? "!" : ""}`).join("  ")}`);
    const nullish = c.completeness.filter((x) => x.nulls > 0).sort((a, b) => b.rate - a.rate);
    out.push(`  completeness  ${nullish.length ? nullish.map((x) => `${x.column}${x.required ? "*" : ""} ${pct(x.rate)}`).join(", ") : "no nulls"}`);
    const fields = Object.entries(v.byField).map(([f, n]) => `${f} ${n}`).join(", ");
    const reasons = Object.entries(v.reasons).map(([r, n]) => `${r} ${n}`).join(", ");
    out.push(`  validity      ${v.rowsWithIssues} rows with etl_issues (${pct(v.issueRate)})${fields ? `: ${fields}` : ""}; quarantine ${pct(v.quarantineRate)}${reasons ? `: ${reasons}` : ""}`);
    out.push(`  timeliness    ${c.timeliness ? `${c.timeliness.status}, ${c.timeliness.lagMinutes ?? "∞"} min behind` : "unknown"}`);
    out.push(`  uniqueness    ${c.uniqueness.duplicateIds} duplicate ids`);
    for (const q of c.quality ?? []) out.push(`  quality       ${q.category.padEnd(12)} scored ${q.scored}, mean ${q.mean ?? "-"}, per 0.1: ${q.buckets.join(" ")}`);
  }
  out.push("", "(* required column; ! volume anomaly against the trailing median)", "");
  return out.join("\n");
}
