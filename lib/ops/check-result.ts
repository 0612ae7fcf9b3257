/** One line of `etl check`: what was checked, how it went, and what to do about it. */
export type CheckLevel = "ok" | "warn" | "fail";

export interface CheckLine {
  /** Short name of what was checked, e.g. `mongo`, `index messages (createdAt, _id)`, `container raw`. */
  check: string;
  level: CheckLevel;
  detail: string;
  /** What to do, when not ok (e.g. the exact createIndex to run). */
  fix?: string;
}

export interface CheckReport {
  worst: CheckLevel;
  checks: CheckLine[];
}

const order: CheckLevel[] = ["ok", "warn", "fail"];

export function worstOf(lines: readonly CheckLine[]): CheckLevel {
  return lines.reduce<CheckLevel>((w, l) => (order.indexOf(l.level) > order.indexOf(w) ? l.level : w), "ok");
}

/** Exit code by the worst line, monitoring-plugin style: 0 ok, 1 warn, 2 fail. */
export function checkExitCode(report: CheckReport): number {
  return order.indexOf(report.worst);
}

export function formatCheckReport(report: CheckReport): string {
  const width = Math.max(...report.checks.map((c) => c.check.length), 5);
  const lines = report.checks.map((c) => {
    const head = `${c.level.toUpperCase().padEnd(4)}  ${c.check.padEnd(width)}  ${c.detail}`;
    return c.fix ? `${head}\n${" ".repeat(width + 8)}fix: ${c.fix}` : head;
  });
  const counts = order.map((l) => `${report.checks.filter((c) => c.level === l).length} ${l}`).join(", ");
  return `${lines.join("\n")}\n\n${report.worst.toUpperCase()}: ${counts}\n`;
}
