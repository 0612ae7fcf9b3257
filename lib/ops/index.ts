export { runChecks, type CheckDeps, type CheckOptions } from "./check.js";
export { checkExitCode, formatCheckReport, type CheckLevel, type CheckLine, type CheckReport } from "./check-result.js";
export { createIndexCommand, requiredIndexes, servesIndex, type RequiredIndex } from "./required-indexes.js";
export { formatCleanupReport, orphanVerdict, runCleanup, STALE_LOCK_MS, type CleanupItem, type CleanupOptions, type CleanupReport } from "./cleanup.js";
