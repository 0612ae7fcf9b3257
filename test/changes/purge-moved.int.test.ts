import { ObjectId, type Document } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getCollection } from "../../lib/collections/index.js";
import { runEtl } from "../../lib/pipeline/run-etl.js";
import { readCurated, readJsonl } from "../fixtures/lake-readers.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";

/**
 * Found by the fault-schedule simulation: the purge visited only the days where MongoDB places the
 * flagged profile's documents now, so a document that had moved to another day (not yet applied by
 * a change pass) or was deleted before the flag kept its rows on its old day for good; and an
 * untimed document's own quarantine file (no day's partition holds it) was never removed.
 */
const T0 = Date.parse("2026-03-20T12:00:00Z");
const H = 3_600_000;
const messages = getCollection("messages");
const hex = (id: unknown) => (id instanceof ObjectId ? id.toHexString() : String(id));
const oid = (ms: number) => new ObjectId(Math.floor(ms / 1000));

describe("a late-flagged profile's rows are purged where the lake holds them", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack("purge-moved");
  });
  afterAll(async () => {
    await stack.close();
    await closeTestClients();
  });

  it("also on the day a document left, of a document deleted before the flag, and of an untimed one", async () => {
    const flagged = new ObjectId();
    const student = new ObjectId();
    await stack.db.collection("profiles").insertMany([
      { _id: flagged, createdAt: new Date(T0 - 100 * H) },
      { _id: student, createdAt: new Date(T0 - 100 * H) },
    ]);
    const message = (user: ObjectId, ms: number) => ({ _id: oid(ms), userId: user, category: "system", createdAt: new Date(ms), updatedAt: new Date(ms), studentMessage: "s", aiResponse: "a" });
    const moving = message(flagged, T0 - 2 * H);
    // No createdAt and no ObjectId _id: quarantined in a file of its own, on no day.
    const untimed: Document = { _id: `untimed-${flagged.toHexString()}`, userId: flagged.toHexString(), category: "system", studentMessage: "s", aiResponse: "a" };
    const deleted = message(flagged, T0 - 3 * H);
    const kept = message(student, T0 - 4 * H);
    await stack.db.collection("messages").insertMany([moving, deleted, kept, untimed]);
    await runEtl(stack.ctx, { collections: [messages], now: new Date(T0) });
    expect((await readCurated(stack, "messages")).rows).toHaveLength(3);
    expect((await readJsonl(stack, "quarantine", "messages")).map((q) => q.doc._id)).toEqual([untimed._id]);

    // Before the next cycle: one document moves two days back, one is deleted, then the profile is flagged.
    const flaggedAt = new Date(T0 + 10 * 60_000);
    await stack.db.collection("messages").updateOne({ _id: moving._id }, { $set: { createdAt: new Date(T0 - 50 * H), updatedAt: flaggedAt } });
    await stack.db.collection("messages").deleteOne({ _id: deleted._id });
    await stack.db.collection("profiles").updateOne({ _id: flagged }, { $set: { isArchived: true } });
    await runEtl(stack.ctx, { collections: [messages], now: new Date(T0 + H) });

    const raw = (await readJsonl(stack, "raw", "messages")).filter((d) => d.userId !== undefined).map((d) => hex(d.userId));
    const quarantine = (await readJsonl(stack, "quarantine", "messages")).map((q) => hex(q.doc.userId));
    const curated = (await readCurated(stack, "messages")).rows.map((r) => String(r.user_id));
    expect({ raw, quarantine, curated }).toEqual({ raw: [student.toHexString()], quarantine: [], curated: [student.toHexString()] });
  });
});
