import azureFunctions from "@azure/functions";
import { poisonQueueName } from "../lib/backfill/queue-settings.js";
import { hostConfig } from "../lib/handlers/host-config.js";
import { lazyHandler } from "../lib/handlers/lazy-handler.js";

// Erasure of one student from every zone (lib/changes/erasure.ts): the POST records and queues the
// request, the queue trigger carries it out (as long as the lake needs, not the HTTP timeout).
const { app } = azureFunctions;
const queueName = hostConfig().queues.erasure;
const http = () => import("../lib/handlers/erasure-http.js");
const queue = () => import("../lib/handlers/erasure-queue.js");

// Function key required: it deletes a student's rows everywhere.
app.http("erasure", {
  methods: ["POST"],
  authLevel: "function",
  route: "erasure",
  handler: lazyHandler(async () => (await http()).erasureSubmitHandler()),
});

app.http("erasure-status", {
  methods: ["GET"],
  authLevel: "function",
  route: "erasure/{requestId}",
  handler: lazyHandler(async () => (await http()).erasureStatusHandler()),
});

// One request per message; retries and poisoning per host.json extensions.queues, as for backfill.
app.storageQueue("erasure-worker", {
  queueName,
  connection: "STATE_STORAGE",
  handler: lazyHandler(async () => (await queue()).erasureWorkerHandler()),
});

// The host moves a request here after its last failed attempt; mark it failed if the worker could not.
app.storageQueue("erasure-poison", {
  queueName: poisonQueueName(queueName),
  connection: "STATE_STORAGE",
  handler: lazyHandler(async () => (await queue()).erasurePoisonHandler()),
});
