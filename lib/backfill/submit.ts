import type { EtlContext } from "../pipeline/context.js";
import { chunkMessage, encodeChunkMessage } from "./chunk-message.js";
import { JobStore, type WatermarkChange } from "./job-store.js";
import { newJobId, planChunks, type ChunkRef } from "./plan.js";
import { prepareWatermarks } from "./prepare-watermarks.js";
import type { BackfillMode, BackfillRequest } from "./request.js";

export interface SubmittedJob {
  jobId: string;
  mode: BackfillMode;
  collections: string[];
  from: string;
  to: string;
  chunks: number;
  watermarkChanges: WatermarkChange[];
}

const SEND_CONCURRENCY = 16;

/** Runs `work` over `items`, at most `limit` at a time; settles every item. */
export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<PromiseSettledResult<void>[]> {
  const results: PromiseSettledResult<void>[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      try {
        await work(items[i]!);
        results[i] = { status: "fulfilled", value: undefined };
      } catch (reason) {
        results[i] = { status: "rejected", reason };
      }
    }
  });
  await Promise.all(lanes);
  return results;
}

/**
 * Starts a backfill: prepare the watermarks (full mode), record the job and one pending row per
 * chunk, then put one message per chunk on the queue. The rows exist before any message, so a worker
 * always finds its chunk. A chunk whose message could not be sent is marked failed at once.
 */
export async function submitBackfill(ctx: EtlContext, request: BackfillRequest, options: { now?: Date } = {}): Promise<SubmittedJob> {
  const now = options.now ?? new Date();
  const jobId = newJobId(now);
  const log = ctx.log.child({ jobId });
  const watermarkChanges =
    request.mode === "full" ? await prepareWatermarks(ctx, request.collections, request.repairWatermark, now) : [];
  const extraDays = Object.fromEntries(watermarkChanges.filter((c) => c.extraDays.length > 0).map((c) => [c.collection, c.extraDays]));
  const chunks: ChunkRef[] = planChunks(request, extraDays);

  const jobs = new JobStore(ctx.storage.table(ctx.config.tables.jobs));
  await jobs.create(
    { jobId, mode: request.mode, collections: request.collections, from: request.from, to: request.to, repairWatermark: request.repairWatermark, createdAt: now, chunkCount: chunks.length, watermarkChanges },
    chunks,
  );

  const queue = ctx.storage.queue(ctx.config.queues.backfill);
  const sent = await forEachLimited(chunks, SEND_CONCURRENCY, async (chunk) => {
    // No expiry: a long job must not lose chunks that wait more than the default 7 days.
    await queue.sendMessage(encodeChunkMessage(chunkMessage(jobId, request.mode, chunk)), { messageTimeToLive: -1 });
  });
  const unsent = chunks.filter((_, i) => sent[i]!.status === "rejected");
  if (unsent.length > 0) {
    const first = sent.find((r) => r.status === "rejected") as PromiseRejectedResult;
    const reason = `could not be queued: ${first.reason instanceof Error ? first.reason.message : String(first.reason)}; submit these days again`;
    await forEachLimited(unsent, SEND_CONCURRENCY, (chunk) => jobs.updateChunk(jobId, chunk, { status: "failed", endedAt: new Date(), error: reason }));
    log.error(`Backfill ${jobId}: ${unsent.length} of ${chunks.length} chunks ${reason}`);
  }
  log.info(
    `Backfill ${jobId}: ${request.mode === "rescore" ? "re-score" : "rebuild"} ${request.collections.join(", ")} ` +
      `from ${request.from} to ${request.to}: ${chunks.length} chunks queued on ${ctx.config.queues.backfill}`,
  );
  return { jobId, mode: request.mode, collections: request.collections, from: request.from, to: request.to, chunks: chunks.length, watermarkChanges };
}
