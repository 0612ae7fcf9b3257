import azureFunctions from "@azure/functions";
import { collections } from "../lib/collections/index.js";
import { compactionTimerHandler } from "../lib/handlers/compaction-timer.js";
import { etlTimerHandler } from "../lib/handlers/etl-timer.js";
import { hostConfig } from "../lib/handlers/runtime.js";

// @azure/functions is CommonJS: take `app` from the default export, like the other triggers.
const { app } = azureFunctions;

// Fail the start, naming the variable, when a setting is missing or malformed.
hostConfig();

// One timer per collection, hourly on the hour, so one slow collection never delays the others.
for (const spec of collections) {
  app.timer(`etl-${spec.name}`, {
    schedule: "0 0 * * * *",
    useMonitor: true,
    retry: { strategy: "exponentialBackoff", maxRetryCount: 3, minimumInterval: { seconds: 30 }, maximumInterval: { minutes: 5 } },
    handler: etlTimerHandler(spec.name),
  });
}

// Nightly, after the midnight run: compact the last two finished days into one file per
// partition and pick up documents inserted behind the watermark (lib/backfill/daily-compaction.ts).
app.timer("etl-compact", {
  schedule: "0 30 0 * * *",
  useMonitor: true,
  handler: compactionTimerHandler(),
});
