import { ObjectId } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reconcile } from "../../lib/changes/reconcile.js";
import { getCollection } from "../../lib/collections/index.js";
import { setCrashHook } from "../../lib/pipeline/fault-injection.js";
import { runEtl } from "../../lib/pipeline/run-etl.js";
import { readCurated } from "../fixtures/lake-readers.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";

/**
 * Found by the fault-schedule simulation: a reconcile stopped after writing a day's replacement
 * and before retiring what it supersedes left the day showing every row twice, and nothing but the
 * next reconcile (a day later) repaired it. The next hourly change pass now finishes the day.
 */
const T0 = Date.parse("2026-03-20T12:00:00Z");
const H = 3_600_000;
const messages = getCollection("messages");
const oid = (ms: number) => new ObjectId(Math.floor(ms / 1000));

describe("a reconcile stopped between writing and retiring", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack("reconcile-stopped");
  });
  afterAll(async () => {
    setCrashHook(undefined);
    await stack.close();
    await closeTestClients();
  });

  it("leaves no day doubled after the next hourly run", async () => {
    const user = new ObjectId();
    await stack.db.collection("profiles").insertOne({ _id: user, createdAt: new Date(T0 - 100 * H) });
    const docs = [3, 4, 5].map((h) => ({ _id: oid(T0 - h * H), userId: user, category: "system", createdAt: new Date(T0 - h * H), updatedAt: new Date(T0 - h * H), studentMessage: "s", aiResponse: "a" }));
    await stack.db.collection("messages").insertMany(docs);
    await runEtl(stack.ctx, { collections: [messages], now: new Date(T0) });
    await stack.db.collection("messages").deleteOne({ _id: docs[0]!._id }); // drift for reconcile to repair

    setCrashHook(({ point }) => {
      if (point === "changes-day-written") throw new Error("stopped here (a killed or fenced worker)");
    });
    await expect(reconcile(stack.ctx, { days: 1, collections: [messages], now: new Date(T0 + H) })).rejects.toThrow(/stopped here/);
    setCrashHook(undefined);
    const doubled = (await readCurated(stack, "messages")).rows.map((r) => String(r.id)).sort();
    expect(doubled).toHaveLength(5); // the old file (3 rows) and the replacement (2 rows) both visible

    await runEtl(stack.ctx, { collections: [messages], now: new Date(T0 + 2 * H) });
    const ids = (await readCurated(stack, "messages")).rows.map((r) => String(r.id)).sort();
    expect(ids).toEqual([docs[1]!._id.toHexString(), docs[2]!._id.toHexString()].sort());
  });
});
