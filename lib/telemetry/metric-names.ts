/**
 * Custom metric names, the single source for the code, docs/METRICS.md, the alert rules and the
 * workbook in infra/. Every metric carries the `collection` dimension; outcome metrics also carry
 * `outcome` (success | failed | skipped).
 */
export const metricNames = {
  documentsExtracted: "etl_documents_extracted",
  rawRowsWritten: "etl_raw_rows_written",
  curatedRowsWritten: "etl_curated_rows_written",
  documentsQuarantined: "etl_documents_quarantined",
  rowsWithIssues: "etl_rows_with_issues",
  testersExcluded: "etl_testers_excluded",
  runDurationMs: "etl_run_duration_ms",
  watermarkLagSeconds: "etl_watermark_lag_seconds",
  runOutcome: "etl_run_outcome",
  backfillChunkOutcome: "etl_backfill_chunk_outcome",
  reconcileDrift: "etl_reconcile_drift",
} as const;

export type MetricName = (typeof metricNames)[keyof typeof metricNames];

export const metricDimensions = { collection: "collection", outcome: "outcome" } as const;
