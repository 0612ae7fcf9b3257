import type { FileWritten } from "../load/partition-files.js";

export type RunOutcome = "success" | "failed" | "skipped";

/** What one collection run did; the run history row, the metrics and the CLI summary come from it. */
export interface CollectionRunSummary {
  collection: string;
  runId: string;
  outcome: RunOutcome;
  /** True when the run finished a window a crashed run had started. */
  replayed: boolean;
  dryRun: boolean;
  windowFrom?: Date;
  windowTo?: Date;
  extracted: number;
  rawRows: number;
  curatedRows: number;
  quarantined: number;
  /** Curated rows written with a non-empty etl_issues (a field missing or mistyped). */
  rowsWithIssues: number;
  testersExcluded: number;
  /** Counted reasons for null derived values (e.g. unscorable messages). */
  notes: Record<string, number>;
  files: FileWritten[];
  /** False when the window stopped at its bound (a checkpoint): a backlog remains for the next run. */
  caughtUp: boolean;
  /** Documents dated after the window's upper bound (future createdAt), left for a later window. */
  heldBack: number;
  /** createdAt of the watermark after the run. */
  watermark?: Date;
  startedAt: Date;
  durationMs: number;
  error?: string;
}

export function emptySummary(collection: string, runId: string, startedAt: Date, dryRun: boolean): CollectionRunSummary {
  return {
    collection,
    runId,
    outcome: "success",
    replayed: false,
    dryRun,
    extracted: 0,
    rawRows: 0,
    curatedRows: 0,
    quarantined: 0,
    rowsWithIssues: 0,
    testersExcluded: 0,
    caughtUp: true,
    heldBack: 0,
    notes: {},
    files: [],
    startedAt,
    durationMs: 0,
  };
}
