/** Changes after creation: the change pass (updates, moved createdAt), late tester purge, erasure, reconcile. */
export { runChangePass, changeFileId, MAX_CHANGES_PER_PASS, type ChangePassSummary, type ChangePassOptions } from "./run-changes.js";
export { changeWindowFilter, changeSort } from "./change-window.js";
export { applyDayChanges, type DayChanges, type DayChangeResult } from "./apply-day-changes.js";
export { purgeFlagged, exclusionRule, purgeKey, personDays, type PurgeSummary } from "./purge.js";
export { removeFromPartition, lakeDays, personKey, personOf, type RemovalCounts, type RemovalInput } from "./person-rows.js";
export { acceptErasure, runErasure, erasedIdVariants, loadLakeExclusion, withErasures, erasureRequestSchema, UnknownPersonError, type ErasureRequest, type ErasureRunOptions } from "./erasure.js";
export { enqueueErasure, processErasureMessage, handleErasurePoison, parseErasureMessage, MalformedErasureMessageError, type ErasureMessage } from "./erasure-queue.js";
// reconcile.ts is imported directly by its CLI command and timer: it loads parquetjs's reader, which
// the hourly path does not need.
