import type { InvocationContext, Timer } from "@azure/functions";
import { dailyCompactionRequest } from "../backfill/daily-compaction.js";
import { submitBackfill } from "../backfill/submit.js";
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
    const job = await submitBackfill(ctx, dailyCompactionRequest(clock()));
    ctx.log.info(`Nightly compaction ${job.jobId}: ${job.chunks} chunks for ${job.from} to ${job.to}`);
  });
}
