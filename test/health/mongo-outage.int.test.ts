import { HttpRequest, InvocationContext } from "@azure/functions";
import { ObjectId } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collections } from "../../lib/collections/index.js";
import { closeMongoClients } from "../../lib/extract/mongo-client.js";
import { healthHandler } from "../../lib/handlers/health.js";
import { invocationLogger } from "../../lib/handlers/runtime.js";
import type { HealthReport } from "../../lib/health/index.js";
import { createEtlContext, type EtlContext } from "../../lib/pipeline/context.js";
import { runEtl } from "../../lib/pipeline/run-etl.js";
import { RunHistory } from "../../lib/state/run-history.js";
import { metricNames } from "../../lib/telemetry/index.js";
import { startMongo, type MongoHandle } from "../../scripts/local-stack/mongo.js";
import { runCliWith } from "../cli/run-cli.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";
import { captureMetrics, pointOf, type MetricCapture } from "../telemetry/metric-capture.js";

const names = collections.map((c) => c.name);
const t0 = new Date("2026-11-20T12:00:00Z");
const at = (minutesAfterT0: number) => new Date(t0.getTime() + minutesAfterT0 * 60_000);

/**
 * A MongoDB of this test's own, stopped halfway. FerretDB (SQLite) accepts PLAIN credentials
 * without checking them, so the URI carries a password whose absence from every log line, history
 * row and health body is checked; mongodb-memory-server has no users, so there it has none.
 */
describe("when MongoDB goes down", () => {
  let mongo: MongoHandle;
  let secret: string | undefined;
  let stack: TestStack;
  let capture: MetricCapture;
  const lines: string[] = [];
  let invocationCtx: EtlContext;

  const invocation = (functionName: string, sink: string[]) =>
    new InvocationContext({ invocationId: "inv-outage", functionName, logHandler: (level, ...args) => sink.push(`${level} ${args.join(" ")}`) });

  beforeAll(async () => {
    mongo = await startMongo({});
    secret = mongo.kind === "FerretDB" ? "hunter2" : undefined;
    const base = mongo.uri.replace(/\/?$/, "/");
    const uri = secret
      ? `${base.replace("mongodb://", `mongodb://etl:${secret}@`)}?authMechanism=PLAIN&authSource=%24external&serverSelectionTimeoutMS=1000`
      : `${base}?serverSelectionTimeoutMS=1000`;
    stack = await createTestStack("outage", { MONGODB_URI: uri });
    capture = captureMetrics();
    invocationCtx = await createEtlContext(stack.config, invocationLogger(invocation("etl-all", lines)));
    const student = new ObjectId();
    await stack.db.collection("profiles").insertOne({ _id: student, createdAt: new Date("2026-11-20T09:00:00Z") });
    await stack.db.collection("messages").insertMany(
      [9, 10, 11].map((h) => ({ _id: new ObjectId(), userId: student, category: "system", createdAt: new Date(Date.UTC(2026, 10, 20, h)) })),
    );
  });
  afterAll(async () => {
    await capture.stop();
    await closeMongoClients();
    await closeTestClients();
    await mongo.stop();
    await stack.close();
  });

  const health = async (now: Date, url = "http://localhost/api/health") => {
    const handler = healthHandler(async (context) => createEtlContext(stack.config, invocationLogger(context)), () => now);
    const response = await handler(new HttpRequest({ method: "GET", url }), invocation("health", []));
    return { status: response.status, body: response.jsonBody as HealthReport };
  };
  const expectNoSecret = (text: string) => {
    if (secret) expect(text).not.toContain(secret);
  };

  it("runs while MongoDB is up: every collection succeeds, health is 200, log lines carry runId, collection and invocationId", async () => {
    if (secret) expect(stack.config.mongo.uri).toContain(`:${secret}@`); // the run really connects with a password
    const result = await runEtl(invocationCtx, { now: t0 });
    expect(result.failed).toEqual([]);
    await capture.collect();

    expect(lines.length).toBeGreaterThan(names.length);
    for (const line of lines) {
      expect(line).toContain(`"runId":"${result.runId}"`);
      expect(line).toMatch(/"collection":"[a-z,]+"/);
      expect(line).toContain('"invocationId":"inv-outage"');
      expectNoSecret(line);
    }
    expect(lines.some((l) => l.includes("messages: ") || l.includes('"collection":"messages"'))).toBe(true);

    const { status, body } = await health(at(30));
    expect(status).toBe(200);
    expect(body.status).toBe("healthy");
    expect(body.collections.map((c) => [c.collection, c.status, c.lagMinutes])).toEqual(names.map((n) => [n, "fresh", 32]));
    expect(body.collections.find((c) => c.collection === "messages")?.lastSuccess?.documents).toBe(3);
  });

  it("counts a failed outcome per collection once MongoDB is stopped, no volumes, and a watermark lag that keeps growing", async () => {
    await mongo.stop();
    const result = await runEtl(invocationCtx, { now: at(60) });
    expect(result.failed.map((s) => s.collection)).toEqual(names);
    expect(result.failed[0]?.error).toMatch(/^MongoDB could not be reached \(Mongo\w+Error: /);

    const points = await capture.collect();
    for (const c of names) {
      expect(pointOf(points, metricNames.runOutcome, { collection: c, outcome: "failed" })?.value, c).toBe(1);
      expect(pointOf(points, metricNames.runOutcome, { collection: c, outcome: "success" }), c).toBeUndefined();
    }
    expect(points.filter((p) => p.name === metricNames.documentsExtracted)).toEqual([]);
    // The committed watermarks: the 11:00 message and the 09:00 profile, read from the watermark table.
    expect(pointOf(points, metricNames.watermarkLagSeconds, { collection: "messages" })?.max).toBe((at(60).getTime() - Date.parse("2026-11-20T11:00:00Z")) / 1000);
    expect(pointOf(points, metricNames.watermarkLagSeconds, { collection: "profiles" })?.max).toBe((at(60).getTime() - Date.parse("2026-11-20T09:00:00Z")) / 1000);
    for (const line of lines) expectNoSecret(line);
  });

  it("writes a failed history row with the reason, and no credentials, beside the last success", async () => {
    const history = new RunHistory(stack.ctx.storage.table(stack.config.tables.runs));
    for (const c of names) {
      const [latest, previous] = await history.latest(c, 2);
      expect(latest).toMatchObject({ collection: c, outcome: "failed", startedAt: at(60) });
      expect(latest?.error).toMatch(/\S/);
      expectNoSecret(latest?.error ?? "");
      expect(previous).toMatchObject({ outcome: "success", startedAt: t0 });
      expect(await history.lastWithOutcome(c, "success")).toMatchObject({ runId: previous!.runId });
    }
  });

  it("keeps health at 200 while the lake is within the threshold, showing the last error", async () => {
    const { status, body } = await health(at(70));
    expect(status).toBe(200);
    for (const c of body.collections) {
      expect(c).toMatchObject({ status: "fresh", lagMinutes: 72, lastRun: { outcome: "failed" }, lastSuccess: { startedAt: t0.toISOString() } });
      expect(c.lastError?.runId).toBe(c.lastRun?.runId);
    }
    expectNoSecret(JSON.stringify(body));
  });

  it("turns health to 503 naming every collection once the lag passes HEALTH_MAX_LAG_MINUTES", async () => {
    await runEtl(invocationCtx, { now: at(120) });
    const { status, body } = await health(at(121));
    expect(stack.config.health.maxLagMinutes).toBe(120);
    expect(status).toBe(503);
    expect(body.status).toBe("stale");
    expect(body.stale).toEqual(names);
    for (const c of body.collections) {
      expect(c.lagMinutes).toBe(123);
      expect(c.reason).toBe(`complete only up to ${at(-2).toISOString()}: 123 min behind, more than 120; last run ${c.lastRun?.runId} failed`);
    }
    expectNoSecret(JSON.stringify(body));

    const one = await health(at(121), "http://localhost/api/health?collection=messages");
    expect(one.status).toBe(503);
    expect(one.body.collections.map((c) => c.collection)).toEqual(["messages"]);
  });

  it("prints the same picture for the operator with `status`, exiting 1", async () => {
    const { code, out } = await runCliWith(stack.env, ["status", "--now", at(121).toISOString()]);
    expect(code).toBe(1);
    const rows = out.split("\n");
    for (const c of names) expect(rows.some((r) => new RegExp(`^${c}\\s+2026-11-20 14:00\\s+failed\\s+0\\s+2026-11-20 12:00\\s+2h 3m\\s+STALE$`).test(r)), c).toBe(true);
    expect(out).toContain(`STALE: profiles (complete only up to ${at(-2).toISOString()}`);
    expectNoSecret(out);
  });
});
