import azureFunctions from "@azure/functions";
import { collectionNames } from "../lib/collections/index.js";
import { hostConfig } from "../lib/handlers/host-config.js";
import { lazyHandler } from "../lib/handlers/lazy-handler.js";

// @azure/functions is CommonJS: take `app` from the default export, like the other triggers.
// Handlers load the pipeline at first invocation (lib/handlers/lazy-handler.ts).
const { app } = azureFunctions;

// Fail the start, naming the variable, when a setting is missing or malformed.
hostConfig();

// One timer per collection, hourly on the hour, so one slow collection never delays the others.
for (const name of collectionNames) {
  app.timer(`etl-${name}`, {
    schedule: "0 0 * * * *",
    useMonitor: true,
    retry: { strategy: "exponentialBackoff", maxRetryCount: 3, minimumInterval: { seconds: 30 }, maximumInterval: { minutes: 5 } },
    handler: lazyHandler(async () => (await import("../lib/handlers/etl-timer.js")).etlTimerHandler(name)),
  });
}

// Nightly, after the midnight run: compact the last two finished days into one file per
// partition and pick up documents inserted behind the watermark (lib/backfill/daily-compaction.ts).
app.timer("etl-compact", {
  schedule: "0 30 0 * * *",
  useMonitor: true,
  handler: lazyHandler(async () => (await import("../lib/handlers/compaction-timer.js")).compactionTimerHandler()),
});

// Nightly, after the compaction: compare the last 7 days with MongoDB and repair drift, deletes
// included (lib/changes/reconcile.ts); emits etl_reconcile_drift, watched by an alert.
app.timer("etl-reconcile", {
  schedule: "0 15 1 * * *",
  useMonitor: true,
  handler: lazyHandler(async () => (await import("../lib/handlers/reconcile-timer.js")).reconcileTimerHandler()),
});
