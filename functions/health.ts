import azureFunctions from "@azure/functions";
import { lazyHandler } from "../lib/handlers/lazy-handler.js";

// @azure/functions is CommonJS: take `app` from the default export so plain Node ESM resolves it.
const { app } = azureFunctions;

// Freshness of every collection for an App Insights availability test (or a human): 200 when all
// are fresh, 503 naming the stale ones. Function key required: it reveals run errors and layout.
app.http("health", {
  methods: ["GET"],
  authLevel: "function",
  route: "health",
  handler: lazyHandler(async () => (await import("../lib/handlers/health.js")).healthHandler()),
});
