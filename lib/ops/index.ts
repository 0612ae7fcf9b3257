export { runChecks, type CheckDeps, type CheckOptions } from "./check.js";
export { checkExitCode, formatCheckReport, type CheckLevel, type CheckLine, type CheckReport } from "./check-result.js";
export { createIndexCommand, requiredIndexes, servesIndex, type RequiredIndex } from "./required-indexes.js";
