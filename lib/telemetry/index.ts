import type { CollectionRunSummary } from "../pipeline/summary.js";

// Stubs until the monitoring issue lands: the pipeline and backfill already call these.

/** Metrics for one collection run (documents, rows, quarantined, testers, duration, lag, outcome). */
export function recordCollectionRun(_summary: CollectionRunSummary): void {}

/** Outcome of one backfill chunk (collection, day). */
export function recordBackfillChunk(_chunk: { collection: string; outcome: "done" | "failed" | "retrying"; documents: number }): void {}
