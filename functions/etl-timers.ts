import { app } from "@azure/functions";
import { collections } from "../lib/collections/index.js";
import { etlTimerHandler } from "../lib/handlers/etl-timer.js";
import { hostConfig } from "../lib/handlers/runtime.js";

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
