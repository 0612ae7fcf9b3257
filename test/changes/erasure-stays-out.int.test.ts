import { ObjectId } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseBackfillRequest } from "../../lib/backfill/request.js";
import { submitBackfill } from "../../lib/backfill/submit.js";
import { acceptErasure, runErasure } from "../../lib/changes/erasure.js";
import { reconcile } from "../../lib/changes/reconcile.js";
import { getCollection } from "../../lib/collections/index.js";
import { runEtl } from "../../lib/pipeline/run-etl.js";
import { drainJob } from "../backfill/fixtures.js";
import { readCurated, readJsonl } from "../fixtures/lake-readers.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";

/**
 * Found by the fault-schedule simulation: reconcile and backfill chunks read the tester exclusion
 * only, so after an erasure the student's documents, still in MongoDB, came back as "missing"
 * (reconcile) or with the rebuilt day (backfill, compaction).
 */
const NOW = new Date("2026-03-21T12:00:00Z");
const H = 3_600_000;
const messages = getCollection("messages");
const oid = (ms: number) => new ObjectId(Math.floor(ms / 1000));

describe("an erased student stays out of the lake", () => {
  let stack: TestStack;
  const gone = new ObjectId();
  const kept = new ObjectId();
  beforeAll(async () => {
    stack = await createTestStack("erasure-stays-out");
    await stack.db.collection("profiles").insertMany([
      { _id: gone, createdAt: new Date("2026-01-01T00:00:00Z") },
      { _id: kept, createdAt: new Date("2026-01-01T00:00:00Z") },
    ]);
    const at = (h: number) => new Date(NOW.getTime() - h * H);
    await stack.db.collection("messages").insertMany([
      { _id: oid(at(5).getTime()), userId: gone, category: "system", createdAt: at(5), studentMessage: "s", aiResponse: "a" },
      { _id: oid(at(4).getTime()), userId: gone.toHexString(), category: "system", createdAt: at(4), studentMessage: "s", aiResponse: "a" },
      { _id: oid(at(3).getTime()), userId: kept, category: "system", createdAt: at(3), studentMessage: "s", aiResponse: "a" },
    ]);
    await runEtl(stack.ctx, { collections: [messages], now: NOW });
    const request = await acceptErasure(stack.ctx, { userId: gone.toHexString(), reason: "ticket PRIV-7" }, NOW);
    expect((await runErasure(stack.ctx, request.key)).status).toBe("done");
  });
  afterAll(async () => {
    await stack.close();
    await closeTestClients();
  });

  const people = async () => {
    const raw = (await readJsonl(stack, "raw", "messages")).map((d) => String(d.userId instanceof ObjectId ? d.userId.toHexString() : d.userId));
    const curated = (await readCurated(stack, "messages")).rows.map((r) => String(r.user_id));
    return { raw, curated };
  };

  it("reconcile does not load the student's documents as missing", async () => {
    const result = await reconcile(stack.ctx, { days: 2, collections: [messages], now: NOW });
    expect(result.days.map((d) => d.missing)).toEqual([0, 0]);
    expect(await people()).toEqual({ raw: [kept.toHexString()], curated: [kept.toHexString()] });
  });

  it("a backfill of the day does not rebuild the student back in", async () => {
    const parsed = parseBackfillRequest({ from: "2026-03-21", to: "2026-03-21", collections: ["messages"] }, NOW);
    if (!parsed.ok) throw new Error(parsed.problems.join("; "));
    const job = await submitBackfill(stack.ctx, parsed.request, { now: NOW });
    await drainJob(stack, job.jobId, { now: () => NOW });
    expect(await people()).toEqual({ raw: [kept.toHexString()], curated: [kept.toHexString()] });
  });
});
