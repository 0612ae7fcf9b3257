import azureFunctions from "@azure/functions";
import { poisonQueueName } from "../lib/backfill/queue-settings.js";
import { backfillStatusHandler, backfillSubmitHandler } from "../lib/handlers/backfill-http.js";
import { backfillPoisonHandler, backfillWorkerHandler } from "../lib/handlers/backfill-queue.js";
import { hostConfig } from "../lib/handlers/runtime.js";

// @azure/functions is CommonJS: take `app` from the default export so plain Node ESM resolves it.
const { app } = azureFunctions;
const queueName = hostConfig().queues.backfill;

// Function key required: a backfill rewrites history and loads MongoDB.
app.http("backfill", {
  methods: ["POST"],
  authLevel: "function",
  route: "backfill",
  handler: backfillSubmitHandler(),
});

app.http("backfill-status", {
  methods: ["GET"],
  authLevel: "function",
  route: "backfill/{jobId}",
  handler: backfillStatusHandler(),
});

// One chunk (collection, UTC day) per message; retries and poisoning per host.json extensions.queues.
app.storageQueue("backfill-worker", {
  queueName,
  connection: "STATE_STORAGE",
  handler: backfillWorkerHandler(),
});

// The host moves a chunk here after its last failed attempt; mark it failed if the worker could not.
app.storageQueue("backfill-poison", {
  queueName: poisonQueueName(queueName),
  connection: "STATE_STORAGE",
  handler: backfillPoisonHandler(),
});
