import type { InvocationContext, Timer } from "@azure/functions";
import { dailyCompactionRequest } from "../backfill/daily-compaction.js";
import { submitBackfill } from "../backfill/submit.js";
import { WatermarkStore } from "../state/watermarks.js";
import { hostContext, redactedFailures, type ContextFactory } from "./runtime.js";
import type { Clock } from "./backfill-http.js";

/**
 * Nightly: queue a backfill of the last two finished UTC days for every collection. The queue
 * workers do the work; a refusal (e.g. a watermark ahead of the data) fails the invocation so the
 * failure shows and alerts, and names the fix.
 */
export function compactionTimerHandler(makeContext: ContextFactory = hostContext, clock: Clock = () => new Date()) {
  return redactedFailures(async (_timer: Timer, context: InvocationContext): Promise<void> => {
    const ctx = await makeContext(context);
    const request = dailyCompactionRequest(clock());
    // Compaction never creates a watermark: a collection whose first hourly window has not
    // committed is left to it (that window loads the days compaction would rebuild).
    const store = new WatermarkStore(ctx.storage.table(ctx.config.tables.watermarks));
    const ready = new Set((await store.list()).filter((w) => w.last !== undefined).map((w) => w.collection));
    const collections = request.collections.filter((c) => ready.has(c));
    const skipped = request.collections.filter((c) => !ready.has(c));
    if (skipped.length > 0) ctx.log.info(`Nightly compaction: ${skipped.join(", ")} skipped, no committed hourly window yet`);
    if (collections.length === 0) return;
    const job = await submitBackfill(ctx, { ...request, collections });
    ctx.log.info(`Nightly compaction ${job.jobId}: ${job.chunks} chunks for ${job.from} to ${job.to}`);
  });
}
