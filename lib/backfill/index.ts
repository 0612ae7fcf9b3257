/** HTTP backfill that scales out on a Storage queue: one chunk per (collection, UTC day). */
export { parseBackfillRequest, requestDays, DEFAULT_DAYS, MAX_DAYS, type BackfillRequest, type BackfillMode, type BackfillBody } from "./request.js";
export { planChunks, newJobId, chunkFileId, jobIdSchema, type ChunkRef } from "./plan.js";
export { chunkMessage, encodeChunkMessage, parseChunkMessage, type ChunkMessage } from "./chunk-message.js";
export { submitBackfill, type SubmittedJob } from "./submit.js";
export { BackfillConflictError } from "./prepare-watermarks.js";
export { processChunkMessage, runChunk, type ChunkAttempt, type ChunkHooks, type ChunkResult } from "./run-chunk.js";
export { handlePoisonMessage } from "./poison.js";
export { drainQueue, type DrainOptions, type DrainEvent, type DrainStats } from "./drain.js";
export { readJobStatus, isJobFinished, summarizeJob, type JobStatusView, type JobStatus } from "./job-status.js";
export { queueSettings, poisonQueueName } from "./queue-settings.js";
