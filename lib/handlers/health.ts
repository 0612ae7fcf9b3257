import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { collectionNames } from "../collections/index.js";
import { checkHealth } from "../health/index.js";
import { quotedList } from "../telemetry/echo.js";
import { errorText } from "../telemetry/index.js";
import { hostContext, redactedFailures, type ContextFactory } from "./runtime.js";

/**
 * GET /api/health[?collection=<name>]: per collection the last successful run, its lag and the
 * last error. 200 when every collection is fresh; 503 naming the stale ones when any lag exceeds
 * HEALTH_MAX_LAG_MINUTES, and 503 when the state tables cannot be read. Never cached.
 */
export function healthHandler(makeContext: ContextFactory = hostContext, clock: () => Date = () => new Date()) {
  return redactedFailures(async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const headers = { "Cache-Control": "no-store" };
    const only = request.query.getAll("collection");
    const unknown = only.filter((name) => !collectionNames.includes(name));
    if (unknown.length > 0) {
      return { status: 400, headers, jsonBody: { error: `Unknown collection ${quotedList(unknown)}: expected one of ${collectionNames.join(", ")}` } };
    }
    try {
      const ctx = await makeContext(context);
      const report = await checkHealth(ctx, { now: clock(), collections: only.length > 0 ? only : undefined });
      if (report.status !== "healthy") ctx.log.warn(`Health: stale ${report.stale.join(", ")}`, { collection: report.stale.join(",") });
      return { status: report.status === "healthy" ? 200 : 503, headers, jsonBody: report };
    } catch (err) {
      const message = errorText(err);
      context.error(`Health check could not read the run state: ${message}`);
      return { status: 503, headers, jsonBody: { status: "error", error: `Cannot read the run state: ${message}` } };
    }
  });
}
