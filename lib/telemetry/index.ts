import type { CollectionRunSummary } from "../pipeline/summary.js";
import { instruments } from "./instruments.js";
import { metricDimensions } from "./metric-names.js";

export { flushTelemetry, startTelemetry, stopTelemetry } from "./app-insights.js";
export { useMeterProvider } from "./instruments.js";
export { metricDimensions, metricNames, type MetricName } from "./metric-names.js";
export { errorText } from "./error-text.js";
export { redactSecrets, redactValue } from "./redact.js";

/**
 * Metrics for one collection run. Volumes count only committed work: a failed run's partial
 * files are rewritten by its replay, which is counted then, so nothing is counted twice. Dry runs
 * write nothing and report nothing. Dimensions are the collection and, for outcome and duration,
 * the outcome; never a runId (unbounded), a document or an error text.
 */
export function recordCollectionRun(summary: CollectionRunSummary): void {
  if (summary.dryRun) return;
  const m = instruments();
  const collection = { [metricDimensions.collection]: summary.collection };
  const withOutcome = { ...collection, [metricDimensions.outcome]: summary.outcome };
  if (summary.outcome === "success") {
    m.documentsExtracted.add(summary.extracted, collection);
    m.rawRowsWritten.add(summary.rawRows, collection);
    m.curatedRowsWritten.add(summary.curatedRows, collection);
    m.documentsQuarantined.add(summary.quarantined, collection);
    m.rowsWithIssues.add(summary.rowsWithIssues, collection);
    m.testersExcluded.add(summary.testersExcluded, collection);
  }
  m.runDurationMs.record(Math.max(0, summary.durationMs), withOutcome);
  const lagSeconds = watermarkLagSeconds(summary);
  if (lagSeconds !== undefined) m.watermarkLagSeconds.record(lagSeconds, collection);
  m.runOutcome.add(1, withOutcome);
}

/**
 * The run's clock (the instant that fixed its window) minus the createdAt of the last committed
 * document; undefined when the collection has never committed a document.
 */
export function watermarkLagSeconds(summary: Pick<CollectionRunSummary, "startedAt" | "watermark">): number | undefined {
  if (!summary.watermark) return undefined;
  return Math.max(0, (summary.startedAt.getTime() - summary.watermark.getTime()) / 1000);
}

export type BackfillChunkOutcome = "done" | "failed" | "retrying";

/** Outcome of one backfill chunk (collection, day): one count per chunk attempt that ended. */
export function recordBackfillChunk(chunk: { collection: string; outcome: BackfillChunkOutcome; documents: number }): void {
  instruments().backfillChunkOutcome.add(1, {
    [metricDimensions.collection]: chunk.collection,
    [metricDimensions.outcome]: chunk.outcome,
  });
}

/** Drift one reconcile found in a collection (0 when it matched: a quiet night reports 0, not a gap). */
export function recordReconcileDrift(drift: { collection: string; rows: number }): void {
  instruments().reconcileDrift.add(drift.rows, { [metricDimensions.collection]: drift.collection });
}
