import type { EtlContext } from "../pipeline/context.js";
import { errorText, recordBackfillChunk } from "../telemetry/index.js";
import { lakeBlobName, type LakeZone } from "../load/lake-paths.js";
import { parseChunkMessage, type ChunkMessage } from "./chunk-message.js";
import { chunkFileId } from "./plan.js";
import { JobStore } from "./job-store.js";
import { runChunk } from "./run-chunk.js";

/**
 * A chunk's message reached the poison queue: run it once more as the repair (so the lake never
 * stays doubled because a worker died between write and retire), then, if that fails too, mark the
 * chunk failed, keeping the reason its last attempt recorded (or saying the worker was killed, out
 * of memory or past functionTimeout).
 */
export async function handlePoisonMessage(ctx: EtlContext, entry: unknown, deliveries?: number, options: { now?: Date } = {}): Promise<void> {
  let message;
  try {
    message = parseChunkMessage(entry);
  } catch (err) {
    ctx.log.error(`Poison queue: ${errorText(err)}`);
    return;
  }
  const jobs = new JobStore(ctx.storage.table(ctx.config.tables.jobs));
  const tag = `${message.collection} ${message.day}`;
  const log = ctx.log.child({ collection: message.collection, partition: message.day, jobId: message.jobId });
  const chunk = await jobs.getChunk(message.jobId, message);
  if (!chunk) {
    log.error(`Poison queue: job ${message.jobId} has no chunk ${tag}; nothing to mark`);
    return;
  }
  if (chunk.status === "done") {
    log.warn(`${tag}: in the poison queue, already done`);
    return;
  }
  const attempts = Math.max(chunk.attempts, deliveries ?? 0);
  // The last attempt may have stopped between writing its files and retiring the ones they
  // supersede (killed, or failed there): the day then holds both. One more run of the chunk (same
  // file id: it replaces its own files and retires the rest) is the repair; it is safe in every state,
  // and only needed when some of the chunk's files landed.
  if (await chunkFilesLanded(ctx, message)) {
    try {
      const repaired = await runChunk(ctx, message, { dequeueCount: attempts + 1, maxDequeueCount: attempts + 1, now: options.now });
      log.warn(`${tag}: in the poison queue after ${attempts} attempts; repaired by one more run (${repaired.status})`);
      return;
    } catch (err) {
      log.error(`${tag}: the poison-path repair failed too (${errorText(err)}); the day may hold superseded files until the chunk is submitted again`);
    }
  }
  if ((await jobs.getChunk(message.jobId, message))?.status === "failed") return; // its last attempt (or the repair) recorded why
  const reason = chunk.error
    ? `${chunk.error} (moved to the poison queue after ${attempts} attempts)`
    : `moved to the poison queue after ${attempts} attempts: the worker stopped without recording an error ` +
      "(killed, out of memory or past functionTimeout)";
  await jobs.updateChunk(message.jobId, message, { status: "failed", attempts, endedAt: new Date(), error: reason });
  recordBackfillChunk({ collection: message.collection, outcome: "failed", documents: 0 });
  log.error(`${tag}: failed: ${reason}`);
}

/** Whether any of the files a chunk writes (named by its job's file id) is in the lake. */
async function chunkFilesLanded(ctx: EtlContext, message: ChunkMessage): Promise<boolean> {
  const fileId = chunkFileId(message.mode, message.jobId);
  const zones: LakeZone[] = message.mode === "rescore" ? ["curated"] : ["raw", "curated", "quarantine"];
  const found = await Promise.all(
    zones.map((zone) => ctx.storage.lake.getContainerClient(ctx.config.containers[zone]).getBlobClient(lakeBlobName(zone, message.collection, message.day, fileId)).exists()),
  );
  return found.some(Boolean);
}
