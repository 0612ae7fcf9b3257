import { ObjectId, type Document } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getCollection } from "../../lib/collections/index.js";
import { runEtl } from "../../lib/pipeline/run-etl.js";
import { TOMBSTONE_FIELD } from "../../lib/rewrite/index.js";
import { ChangeMarkStore } from "../../lib/state/change-marks.js";
import { readCurated, readJsonl } from "../fixtures/lake-readers.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";

const hex = (id: unknown) => (id instanceof ObjectId ? id.toHexString() : String(id));
const H = 3_600_000;
const T0 = Date.parse("2026-03-20T12:00:00Z");
const at = (ms: number) => new Date(ms);
/** An ObjectId created at `ms`, as the app would have made it when inserting. */
const idAt = (ms: number) => new ObjectId(Math.floor(ms / 1000)); // that second plus a counter and random bytes: never collides

function message(createdMs: number, extra: Document = {}): Document {
  const createdAt = at(createdMs);
  return {
    _id: idAt(createdMs),
    userId: new ObjectId(),
    category: "question",
    createdAt,
    updatedAt: createdAt,
    respondedAt: new Date(createdMs + 4_000),
    studentMessage: "How do I balance a redox equation in acidic solution?",
    aiResponse: "Split it into half-reactions, balance O with water and H with H+, then balance the charge with electrons.",
    ...extra,
  };
}

const dayOf = (row: Record<string, unknown>) => (row.date instanceof Date ? row.date.toISOString().slice(0, 10) : String(row.date));
const run = (stack: TestStack, collection: string, nowMs: number) => runEtl(stack.ctx, { collections: [getCollection(collection)], now: at(nowMs) });

describe("changes after creation reach the lake", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack("changes");
  });
  afterAll(async () => {
    await stack.close();
    await closeTestClients();
  });

  it("a rating given after extraction shows in curated with a re-computed quality score; raw keeps both versions once", async () => {
    const docs = [message(T0 - 30 * H), message(T0 - 29 * H), message(T0 - 2 * H)];
    await stack.db.collection("messages").insertMany(docs);
    await run(stack, "messages", T0);
    const before = (await readCurated(stack, "messages")).rows.find((r) => r.id === hex(docs[0]!._id))!;
    expect(before.rating).toBeNull();
    expect(before.quality_feedback).toBeNull();

    await stack.db.collection("messages").updateOne({ _id: docs[0]!._id }, { $set: { rating: 5, feedback: "up", updatedAt: at(T0 + 10 * 60_000) } });
    await run(stack, "messages", T0 + H);
    await run(stack, "messages", T0 + 2 * H); // nothing new: no second version, no rewrite

    const rows = (await readCurated(stack, "messages")).rows;
    expect(rows.map((r) => r.id).sort()).toEqual(docs.map((d) => hex(d._id)).sort());
    const after = rows.find((r) => r.id === hex(docs[0]!._id))!;
    expect(after.rating).toBe(5n);
    expect(after.quality_feedback).toBe(1);
    expect(after.quality_score).not.toBe(before.quality_score);
    expect(after.etl_run_id).toMatch(/^changes_/);

    const raw = (await readJsonl(stack, "raw", "messages")).filter((d) => hex(d._id) === hex(docs[0]!._id));
    expect(raw.map((d) => (d.updatedAt as Date).toISOString()).sort()).toEqual([at(T0 - 30 * H).toISOString(), at(T0 + 10 * 60_000).toISOString()]);
    const mark = await new ChangeMarkStore(stack.ctx.storage.table(stack.config.tables.watermarks)).read("messages");
    expect(mark.pending).toBeUndefined();
    expect(mark.last?.changedAt.toISOString()).toBe(at(T0 + 10 * 60_000).toISOString());
  });

  it("a path's status transition replaces its curated row", async () => {
    const createdAt = at(T0 - 50 * H);
    const path = { _id: idAt(T0 - 50 * H), userId: new ObjectId(), createdAt, updatedAt: createdAt, title: "Stoichiometry", status: "active", progress: 0.4 };
    await stack.db.collection("paths").insertOne(path);
    await run(stack, "paths", T0);
    await stack.db.collection("paths").updateOne({ _id: path._id }, { $set: { status: "completed", progress: 1, updatedAt: at(T0 + 5 * 60_000) } });
    await run(stack, "paths", T0 + H);
    const rows = (await readCurated(stack, "paths")).rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: hex(path._id), status: "completed", progress: 1 });
    expect(await stack.lakeFiles("curated", "paths")).toHaveLength(1);
  });

  it("a createdAt moved to another day leaves its old day (tombstone in raw) and appears once in the new one", async () => {
    // Created after the watermark of the runs above, so the insert path takes them.
    const doc = message(T0 + 2 * H + 30 * 60_000);
    const stays = message(T0 + 2 * H + 31 * 60_000);
    await stack.db.collection("messages").insertMany([doc, stays]);
    await run(stack, "messages", T0 + 3 * H);
    const oldDay = "2026-03-20";
    const newDay = "2026-03-19";
    const moved = at(Date.parse(`${newDay}T08:00:00Z`));
    await stack.db.collection("messages").updateOne({ _id: doc._id }, { $set: { createdAt: moved, updatedAt: at(T0 + 3 * H + 60_000) } });
    await run(stack, "messages", T0 + 4 * H);

    const rows = (await readCurated(stack, "messages")).rows.filter((r) => r.id === hex(doc._id));
    expect(rows).toHaveLength(1);
    expect(dayOf(rows[0]!)).toBe(newDay);
    expect((await readCurated(stack, "messages")).rows.filter((r) => r.id === hex(stays._id))).toHaveLength(1);
    const raw = (await readJsonl(stack, "raw", "messages")).filter((d) => hex(d._id) === hex(doc._id));
    const tombstones = raw.filter((d) => d[TOMBSTONE_FIELD]);
    expect(tombstones).toHaveLength(1);
    expect(tombstones[0]![TOMBSTONE_FIELD]).toMatchObject({ reason: "moved", movedTo: newDay });

    // Moved again, back: the recorded placement finds it on the new day.
    await stack.db.collection("messages").updateOne({ _id: doc._id }, { $set: { createdAt: doc.createdAt, updatedAt: at(T0 + 4 * H + 60_000) } });
    await run(stack, "messages", T0 + 5 * H);
    const again = (await readCurated(stack, "messages")).rows.filter((r) => r.id === hex(doc._id));
    expect(again).toHaveLength(1);
    expect(dayOf(again[0]!)).toBe(oldDay);
  });
});
