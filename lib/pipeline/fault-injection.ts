/**
 * Named points where the crash-safety tests kill the process (SIGKILL, no cleanup), set through
 * ETL_FAULT_CRASH_AT=<point>[:<nth hit>]. Unset in production, where this is one check.
 * The fault-schedule simulation (test/simulation/) runs many writers in one process instead: it
 * installs a hook that may freeze the caller for good (a killed process) or hold it while other
 * writers run (a paused one), so call sites await it.
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

export const crashPoints: readonly CrashPoint[] = [
  "after-claim",
  "doc-written",
  "partition-closed",
  "before-commit",
  "after-commit",
  "backfill-written",
  "backfill-retired",
  "changes-claimed",
  "changes-day-written",
  "changes-before-commit",
  "changes-after-commit",
  "purge-written",
  "purge-before-commit",
];

/** Which writer reached the point: the simulation tells concurrent writers apart by it. */
export interface CrashSite {
  point: CrashPoint;
  /** Collection (hourly, change pass, purge) or `collection day` (backfill chunk, one rewritten partition). */
  writer: string;
}

type CrashHook = (site: CrashSite) => Promise<void> | void;
let hook: CrashHook | undefined;

/** In-process fault injection (the simulation); undefined removes it. */
export function setCrashHook(fn: CrashHook | undefined): void {
  hook = fn;
}

const hits = new Map<string, number>();
// Read once per process (the crash tests set it on the child they spawn): the hourly path calls
// crashpoint per document, and an env lookup there costs more than the check.
const setting = process.env.ETL_FAULT_CRASH_AT?.split(":");

export function crashpoint(point: CrashPoint, writer = ""): Promise<void> | void {
  if (hook) return hook({ point, writer });
  if (!setting) return;
  const [name, nth = "1"] = setting;
  if (name !== point) return;
  const count = (hits.get(point) ?? 0) + 1;
  hits.set(point, count);
  if (count >= Number(nth)) process.kill(process.pid, "SIGKILL");
}
