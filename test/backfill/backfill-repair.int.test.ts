import { ObjectId, type Document } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getCollection } from "../../lib/collections/index.js";
import { runCollection } from "../../lib/pipeline/run-collection.js";
import { WatermarkStore } from "../../lib/state/watermarks.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";
import { backfillApi, drainJob, expectedByDay, expectLakeMatches, hex, readLake } from "./fixtures.js";

const messages = getCollection("messages");
const student = new ObjectId();
const message = (createdAt: string): Document => ({
  _id: new ObjectId(), userId: student, category: "system", studentMessage: "hi", aiResponse: "hello", createdAt: new Date(createdAt),
});

describe("a watermark that ran ahead of the data", () => {
  let stack: TestStack;
  const docs: Document[] = [];
  const insert = async (...more: Document[]) => {
    docs.push(...more);
    await stack.db.collection("messages").insertMany(more);
  };
  const watermark = () => new WatermarkStore(stack.ctx.storage.table(stack.config.tables.watermarks)).read("messages");

  beforeAll(async () => {
    stack = await createTestStack("bfrepair");
    await insert(message("2026-11-19T08:00:00Z"), message("2026-11-20T09:00:00Z"));
    expect((await runCollection(stack.ctx, messages, { now: new Date("2026-11-20T12:00:00Z") })).rawRows).toBe(2);
    // A client stamped createdAt in the wrong time zone (tomorrow), and a run on a skewed clock took it.
    await insert(message("2026-11-21T03:00:00Z"));
    expect((await runCollection(stack.ctx, messages, { now: new Date("2026-11-21T05:00:00Z") })).rawRows).toBe(1);
  });
  afterAll(async () => {
    await stack.close();
    await closeTestClients();
  });

  it("starves the hourly run, is refused without repairWatermark, then repaired by the backfill with no loss or duplicate", async () => {
    const now = new Date("2026-11-20T13:00:00Z");
    const fresh = message("2026-11-20T12:30:00Z");
    await insert(fresh);
    expect((await runCollection(stack.ctx, messages, { now })).rawRows).toBe(0); // the symptom: 0 documents every run

    const api = backfillApi(stack, () => now);
    const refused = await api.post({ days: 2, collections: ["messages"] });
    expect(refused.status).toBe(409);
    expect(refused.body.problems).toEqual([
      // windowUpper never moves back by itself: the skewed run's bound stands until the repair.
      "messages: watermark (2026-11-21T03:00:00.000Z, window up to 2026-11-21T04:58:00.000Z) is ahead of the data, which is settled up to " +
        "2026-11-20T12:58:00.000Z; submit again with repairWatermark: true (CLI --repair-watermark) to move it back",
    ]);
    expect((await watermark()).last?.createdAt).toEqual(new Date("2026-11-21T03:00:00Z"));

    const accepted = await api.post({ days: 2, collections: ["messages"], repairWatermark: true });
    expect(accepted.status).toBe(202);
    expect(accepted.body.watermarkChanges).toEqual([
      {
        collection: "messages",
        action: "repaired",
        before: { last: "2026-11-21T03:00:00.000Z", windowUpper: "2026-11-21T04:58:00.000Z" },
        after: { last: "2026-11-20T12:30:00.000Z", windowUpper: "2026-11-20T12:58:00.000Z" },
        extraDays: ["2026-11-20", "2026-11-21"],
      },
    ]);
    expect(accepted.body.chunks).toBe(3); // 11-19, 11-20 and the old position's day, 11-21
    const repaired = await watermark();
    expect(hex(repaired.last?.id)).toBe(hex(fresh._id));
    expect(stack.logs.some((l) => l.level === "warn" && l.message.startsWith("messages: watermark repaired: 2026-11-21T03:00:00.000Z"))).toBe(true);

    await drainJob(stack, accepted.body.jobId as string, { now: () => now });
    expect((await api.job(accepted.body.jobId as string)).status).toBe("done");
    const settledDocs = docs.filter((d) => (d.createdAt as Date) <= new Date("2026-11-20T12:58:00Z"));
    const lake = await readLake(stack, "messages");
    expectLakeMatches(lake, expectedByDay("messages", settledDocs, []));
    expect(lake.files.raw["2026-11-21"]).toBeUndefined(); // its document is the hourly run's again

    // Time catches up with the mis-stamped document: the hourly run takes it, once.
    const later = await runCollection(stack.ctx, messages, { now: new Date("2026-11-21T04:00:00Z") });
    expect(later.rawRows).toBe(1);
    expectLakeMatches(await readLake(stack, "messages"), expectedByDay("messages", docs, []));
  });
});
