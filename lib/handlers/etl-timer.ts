import type { InvocationContext, Timer } from "@azure/functions";
import { getCollection } from "../collections/index.js";
import { runEtl } from "../pipeline/run-etl.js";
import { flushTelemetry } from "../telemetry/index.js";
import { hostContext, redactedFailures, type ContextFactory } from "./runtime.js";

/**
 * Timer handler for one collection. A failed run throws, so the host's retry policy retries it and
 * the invocation shows as failed; a run skipped because another holds the lease is not a failure.
 * Metrics are flushed before the invocation ends, as the instance may be frozen right after.
 */
export function etlTimerHandler(collection: string, makeContext: ContextFactory = hostContext) {
  const spec = getCollection(collection);
  return redactedFailures(async (timer: Timer, context: InvocationContext): Promise<void> => {
    const ctx = await makeContext(context);
    if (timer.isPastDue) ctx.log.warn(`${collection}: timer is past due; running now`, { collection });
    const result = await runEtl(ctx, { collections: [spec] }).finally(() => flushTelemetry());
    const failure = result.failed[0];
    if (failure) throw new Error(`ETL ${collection} failed (run ${failure.runId}): ${failure.error}`);
    const changes = result.changesFailed[0];
    if (changes) throw new Error(`ETL ${collection}: change pass ${changes.runId} failed: ${changes.error}`);
  });
}
