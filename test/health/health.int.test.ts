import { HttpRequest, InvocationContext } from "@azure/functions";
import { ObjectId } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getCollection } from "../../lib/collections/index.js";
import { healthHandler } from "../../lib/handlers/health.js";
import { checkHealth, type HealthReport } from "../../lib/health/index.js";
import { runEtl } from "../../lib/pipeline/run-etl.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";

const t0 = new Date("2026-11-20T12:00:00Z");
const hoursAfter = (h: number) => new Date(t0.getTime() + h * 3_600_000);

describe("health of quiet and never-run collections", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack("health", { HEALTH_MAX_LAG_MINUTES: "90" });
    // errorlogs: a single document, ten days old; nothing new arrives afterwards.
    await stack.db.collection("errorlogs").insertOne({ _id: new ObjectId(), createdAt: new Date("2026-11-10T08:00:00Z"), level: "error", source: "api", code: "E_TIMEOUT" });
  });
  afterAll(async () => {
    await stack.close();
    await closeTestClients();
  });

  const respond = async (now: Date, url = "http://localhost/api/health") => {
    const response = await healthHandler(async () => stack.ctx, () => now)(new HttpRequest({ method: "GET", url }), new InvocationContext({ invocationId: "t", functionName: "health" }));
    return { status: response.status, body: response.jsonBody as HealthReport };
  };

  it("names collections that never committed a window as stale (503), and reports the quiet one fresh", async () => {
    for (let h = 0; h <= 3; h++) await runEtl(stack.ctx, { now: hoursAfter(h), collections: [getCollection("errorlogs")] });
    const { status, body } = await respond(new Date(hoursAfter(3).getTime() + 30 * 60_000));
    expect(status).toBe(503);
    expect(body.maxLagMinutes).toBe(90);
    expect(body.stale).toEqual(["profiles", "messages", "actions", "paths", "tasks"]);
    const never = body.collections.find((c) => c.collection === "messages")!;
    expect(never).toMatchObject({ status: "stale", lagMinutes: null, lastRun: null, lastSuccess: null, lastError: null, reason: "no window was ever committed" });
  });

  it("keeps a collection with no new documents fresh after hours of successful runs, its old watermark shown for information", async () => {
    const checkedAt = new Date(hoursAfter(3).getTime() + 30 * 60_000);
    const { status, body } = await respond(checkedAt, "http://localhost/api/health?collection=errorlogs");
    expect(status).toBe(200);
    expect(body.status).toBe("healthy");
    const [errorlogs] = body.collections;
    expect(errorlogs).toMatchObject({
      collection: "errorlogs",
      status: "fresh",
      lagMinutes: 32,
      completeUpTo: new Date(hoursAfter(3).getTime() - 2 * 60_000).toISOString(),
      watermark: "2026-11-10T08:00:00.000Z",
      watermarkLagMinutes: (checkedAt.getTime() - Date.parse("2026-11-10T08:00:00Z")) / 60_000,
      lastRun: { outcome: "success", documents: 0, startedAt: hoursAfter(3).toISOString() },
      lastSuccess: { outcome: "success", startedAt: hoursAfter(3).toISOString() },
      lastError: null,
    });
  });

  it("turns stale when the runs stop for longer than the threshold", async () => {
    const report = await checkHealth(stack.ctx, { now: hoursAfter(4.6), collections: ["errorlogs"] });
    expect(report).toMatchObject({ status: "stale", stale: ["errorlogs"] });
    expect(report.collections[0]?.lagMinutes).toBe(98);
  });
});
