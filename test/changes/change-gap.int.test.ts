import { ObjectId } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getCollection } from "../../lib/collections/index.js";
import { runEtl } from "../../lib/pipeline/run-etl.js";
import { ChangeMarkStore } from "../../lib/state/change-marks.js";
import { readCurated } from "../fixtures/lake-readers.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";

/**
 * Found by the fault-schedule simulation: while no change pass had read a document yet, each pass
 * started from a lookback of a day before the insert window's upper bound, and committed no
 * position; after a gap of more than a day between runs, changes made before it were never read.
 */
const T0 = Date.parse("2026-03-20T12:00:00Z");
const H = 3_600_000;
const messages = getCollection("messages");

describe("change capture after a gap of days", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack("change-gap");
  });
  afterAll(async () => {
    await stack.close();
    await closeTestClients();
  });

  it("reads a change made before the gap although no pass had read a document before", async () => {
    const user = new ObjectId();
    const created = new Date(T0 - H);
    const _id = new ObjectId(Math.floor(created.getTime() / 1000));
    await stack.db.collection("profiles").insertOne({ _id: user, createdAt: new Date(T0 - 100 * H) });
    await stack.db.collection("messages").insertOne({ _id, userId: user, category: "question", createdAt: created, studentMessage: "s", aiResponse: "a" });
    await runEtl(stack.ctx, { collections: [messages], now: new Date(T0) });
    // No updatedAt yet: the first pass reads nothing, and commits its upper bound as the position.
    const mark = await new ChangeMarkStore(stack.ctx.storage.table(stack.ctx.config.tables.watermarks)).read("messages");

    await stack.db.collection("messages").updateOne({ _id }, { $set: { rating: 4, feedback: "up", updatedAt: new Date(T0 + H) } });
    // The next run comes three days later (an outage): the change is older than a day by then.
    const run = await runEtl(stack.ctx, { collections: [messages], now: new Date(T0 + 72 * H) });
    expect(run.changesFailed).toEqual([]);
    const rows = (await readCurated(stack, "messages")).rows;
    expect(rows.map((r) => [String(r.id), Number(r.rating), r.feedback])).toEqual([[_id.toHexString(), 4, "up"]]);
    expect(mark.last?.changedAt.toISOString()).toBe(new Date(T0 - stack.ctx.config.etl.settleDelayMs).toISOString());
  });
});
