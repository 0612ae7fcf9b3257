import { ObjectId } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getCollection } from "../../lib/collections/index.js";
import { runCollection } from "../../lib/pipeline/run-collection.js";
import { readCurated, readJsonl } from "../fixtures/lake-readers.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";

describe("bad documents", () => {
  let stack: TestStack;
  const user = new ObjectId();
  const mid = new Date("2026-03-20T10:00:00Z");
  const good = { _id: new ObjectId(), userId: user, category: "system", createdAt: mid, studentMessage: "a", aiResponse: "b" };
  const badRating = { _id: new ObjectId(), userId: user, category: "question", createdAt: mid, rating: "five" };
  const noUser = { _id: new ObjectId(), category: "question", createdAt: mid };
  const hugeRating = { _id: new ObjectId(), userId: user, category: "question", createdAt: mid, rating: 1e300 };
  const noTime = { _id: ObjectId.createFromTime(mid.getTime() / 1000), userId: user, category: "question" };
  const stringTime = { _id: ObjectId.createFromTime(mid.getTime() / 1000 + 1), userId: user, category: "question", createdAt: "2026-03-20T10:00:00Z" };

  beforeAll(async () => {
    stack = await createTestStack("quarantine");
    await stack.db.collection("messages").insertMany([good, badRating, noUser, hugeRating, noTime, stringTime]);
  });
  afterAll(async () => {
    await stack.close();
    await closeTestClients();
  });

  it("quarantines each with its reason, warns, counts, and still lands the good ones", async () => {
    const summary = await runCollection(stack.ctx, getCollection("messages"), { now: new Date("2026-03-20T11:00:00Z") });
    expect(summary.outcome).toBe("success");
    expect(summary.quarantined).toBe(5);
    expect(summary.curatedRows).toBe(1);
    expect(summary.rawRows).toBe(4); // the untimed two have no createdAt partition in raw

    const quarantined = await readJsonl(stack, "quarantine", "messages");
    const reasons = Object.fromEntries(quarantined.map((q) => [(q.doc._id as ObjectId).toHexString(), q.reason]));
    expect(reasons).toEqual({
      [badRating._id.toHexString()]: "rating is string, expected integer",
      [noUser._id.toHexString()]: "userId is missing",
      [hugeRating._id.toHexString()]: "rating is Double, expected integer within int64",
      [noTime._id.toHexString()]: "createdAt is missing",
      [stringTime._id.toHexString()]: "createdAt is not a Date",
    });
    expect(await stack.lakeFiles("quarantine", "messages")).toEqual([
      `messages/date=2026-03-20/messages_${summary.runId}.jsonl`,
      `messages/date=2026-03-20/messages_${summary.runId}_untimed.jsonl`,
    ]);
    const warnings = stack.logs.filter((l) => l.level === "warn").map((l) => l.message);
    expect(warnings).toContain(`Skipping doc ${noUser._id.toHexString()}: userId is missing`);
    expect((await readCurated(stack, "messages")).rows.map((r) => r.id)).toEqual([good._id.toHexString()]);
  });

  it("quarantines an untimed document only once across runs", async () => {
    const again = await runCollection(stack.ctx, getCollection("messages"), { now: new Date("2026-03-20T12:00:00Z") });
    expect(again.quarantined).toBe(0);
    expect((await readJsonl(stack, "quarantine", "messages")).length).toBe(5);
  });
});
