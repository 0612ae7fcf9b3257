export { runChecks, type CheckDeps, type CheckOptions } from "./check.js";
export { checkExitCode, formatCheckReport, type CheckLevel, type CheckLine, type CheckReport } from "./check-result.js";
export { createIndexCommand, requiredIndexes, servesIndex, type RequiredIndex } from "./required-indexes.js";
export { formatCleanupReport, orphanVerdict, runCleanup, STALE_LOCK_MS, type CleanupItem, type CleanupOptions, type CleanupReport } from "./cleanup.js";
export { buildReport, DEFAULT_REPORT_DAYS, reportExitCode, type QualityReport, type ReportOptions } from "./report.js";
export { CollectionMeasures, findingLevels, median, thresholds, type CollectionQuality, type Finding, type FindingLevel } from "./report-measures.js";
export { formatReportText } from "./report-text.js";
export { renderReportHtml } from "./report-html.js";
export { formatBytes, formatSummaryTable, SMALL_FILE_BYTES, summariseLake, type ZoneSummary } from "./summary.js";
