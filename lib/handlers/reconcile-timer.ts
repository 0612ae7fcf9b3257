import type { InvocationContext, Timer } from "@azure/functions";
import { driftTable, reconcile } from "../changes/reconcile.js";
import { flushTelemetry, recordReconcileDrift } from "../telemetry/index.js";
import type { Clock } from "./backfill-http.js";
import { hostContext, redactedFailures, type ContextFactory } from "./runtime.js";

/**
 * Nightly: reconcile the last 7 days of every collection (lib/changes/reconcile.ts), repair what
 * it finds and emit `etl_reconcile_drift` per collection (0 when the lake matched), which the
 * `reconcile-drift` alert watches. Drift is logged as an error naming what to do.
 */
export function reconcileTimerHandler(makeContext: ContextFactory = hostContext, clock: Clock = () => new Date()) {
  return redactedFailures(async (_timer: Timer, context: InvocationContext): Promise<void> => {
    const ctx = await makeContext(context);
    const result = await reconcile(ctx, { days: 7, now: clock() });
    const byCollection = new Map<string, number>();
    for (const d of result.days) byCollection.set(d.collection, (byCollection.get(d.collection) ?? 0) + d.missing + d.extra + d.duplicates);
    for (const [collection, rows] of byCollection) recordReconcileDrift({ collection, rows });
    await flushTelemetry();
    if (result.drift) {
      ctx.log.error(
        `Reconcile ${result.runId} found and repaired drift. Deletes arrive only this way; any other drift is one the hourly path ` +
          `should have prevented, which is a bug: report it with this table.\n${driftTable(result)}`,
      );
    } else {
      ctx.log.info(`Reconcile ${result.runId}: the lake matched MongoDB for the last 7 days`);
    }
    const skipped = result.days.filter((d) => d.skipped);
    if (skipped.length > 0) ctx.log.warn(`Reconcile ${result.runId}: ${skipped.length} (collection, day) pairs skipped: ${skipped[0]!.skipped}`);
  });
}
