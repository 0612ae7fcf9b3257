import azureFunctions from "@azure/functions";
import { poisonQueueName } from "../lib/backfill/queue-settings.js";
import { hostConfig } from "../lib/handlers/host-config.js";
import { lazyHandler } from "../lib/handlers/lazy-handler.js";

// @azure/functions is CommonJS: take `app` from the default export so plain Node ESM resolves it.
// Handlers load their modules at first invocation (lib/handlers/lazy-handler.ts): a cold start
// imports only what registration needs.
const { app } = azureFunctions;
const queueName = hostConfig().queues.backfill;
const http = () => import("../lib/handlers/backfill-http.js");
const queue = () => import("../lib/handlers/backfill-queue.js");

// Function key required: a backfill rewrites history and loads MongoDB.
app.http("backfill", {
  methods: ["POST"],
  authLevel: "function",
  route: "backfill",
  handler: lazyHandler(async () => (await http()).backfillSubmitHandler()),
});

app.http("backfill-status", {
  methods: ["GET"],
  authLevel: "function",
  route: "backfill/{jobId}",
  handler: lazyHandler(async () => (await http()).backfillStatusHandler()),
});

// One chunk (collection, UTC day) per message; retries and poisoning per host.json extensions.queues.
app.storageQueue("backfill-worker", {
  queueName,
  connection: "STATE_STORAGE",
  handler: lazyHandler(async () => (await queue()).backfillWorkerHandler()),
});

// The host moves a chunk here after its last failed attempt; mark it failed if the worker could not.
app.storageQueue("backfill-poison", {
  queueName: poisonQueueName(queueName),
  connection: "STATE_STORAGE",
  handler: lazyHandler(async () => (await queue()).backfillPoisonHandler()),
});
