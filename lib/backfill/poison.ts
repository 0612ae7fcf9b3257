import type { EtlContext } from "../pipeline/context.js";
import { errorText, recordBackfillChunk } from "../telemetry/index.js";
import { parseChunkMessage } from "./chunk-message.js";
import { JobStore } from "./job-store.js";

/**
 * A chunk's message reached the poison queue: mark the chunk failed, keeping the reason its last
 * attempt recorded. Usually that attempt already did (it knew it was the last); this catches the
 * rest: a worker killed, out of memory or past functionTimeout on its last attempt.
 */
export async function handlePoisonMessage(ctx: EtlContext, entry: unknown, deliveries?: number): Promise<void> {
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
  if (chunk.status === "done" || chunk.status === "failed") {
    log.warn(`${tag}: in the poison queue, already ${chunk.status}${chunk.error ? `: ${chunk.error}` : ""}`);
    return;
  }
  const attempts = Math.max(chunk.attempts, deliveries ?? 0);
  const reason = chunk.error
    ? `${chunk.error} (moved to the poison queue after ${attempts} attempts)`
    : `moved to the poison queue after ${attempts} attempts: the worker stopped without recording an error ` +
      "(killed, out of memory or past functionTimeout)";
  await jobs.updateChunk(message.jobId, message, { status: "failed", attempts, endedAt: new Date(), error: reason });
  recordBackfillChunk({ collection: message.collection, outcome: "failed", documents: 0 });
  log.error(`${tag}: failed: ${reason}`);
}
