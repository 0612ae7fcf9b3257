/**
 * Named points where the crash-safety tests kill the process (SIGKILL, no cleanup), set through
 * ETL_FAULT_CRASH_AT=<point>[:<nth hit>]. Unset in production, where this is one env lookup.
 */
export type CrashPoint =
  | "after-claim"
  | "doc-written"
  | "partition-closed"
  | "before-commit"
  | "after-commit"
  // Backfill chunk: its compacted files are durable, the superseded ones not yet deleted / deleted.
  | "backfill-written"
  | "backfill-retired"
  // Change pass (lib/changes): claimed; one day's files durable, superseded not yet retired; all
  // days rewritten, mark not committed; committed. Purge/erasure: files durable, not yet retired.
  | "changes-claimed"
  | "changes-day-written"
  | "changes-before-commit"
  | "changes-after-commit"
  | "purge-written"
  | "purge-before-commit";

const hits = new Map<string, number>();

export function crashpoint(point: CrashPoint): void {
  const setting = process.env.ETL_FAULT_CRASH_AT;
  if (!setting) return;
  const [name, nth = "1"] = setting.split(":");
  if (name !== point) return;
  const count = (hits.get(point) ?? 0) + 1;
  hits.set(point, count);
  if (count >= Number(nth)) process.kill(process.pid, "SIGKILL");
}
