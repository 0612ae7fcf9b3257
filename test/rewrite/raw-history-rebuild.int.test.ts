import { ObjectId, type Document } from "mongodb";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { dailyCompactionRequest } from "../../lib/backfill/daily-compaction.js";
import { acceptErasure, runErasure } from "../../lib/changes/index.js";
import { reconcile } from "../../lib/changes/reconcile.js";
import { getCollection } from "../../lib/collections/index.js";
import { runEtl } from "../../lib/pipeline/run-etl.js";
import { TOMBSTONE_FIELD } from "../../lib/rewrite/index.js";
import { backfillRequest, runBackfill } from "../backfill/fixtures.js";
import { readCurated, readJsonl } from "../fixtures/lake-readers.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";

const hex = (id: unknown) => (id instanceof ObjectId ? id.toHexString() : String(id));
const H = 3_600_000;
const M = 60_000;
const T0 = Date.parse("2026-03-21T12:00:00Z");
const DAY = "2026-03-20";
const at = (ms: number) => new Date(ms);
const oid = (ms: number) => new ObjectId(Math.floor(ms / 1000)); // that second plus a counter and random bytes: never collides
const dayOf = (row: Record<string, unknown>) => (row.date instanceof Date ? row.date.toISOString().slice(0, 10) : String(row.date));

function message(ms: number, extra: Document = {}): Document {
  return { _id: oid(ms), userId: new ObjectId(), category: "system", createdAt: at(ms), updatedAt: at(ms), studentMessage: "q", aiResponse: "a", ...extra };
}

const runMessages = (stack: TestStack, ms: number) => runEtl(stack.ctx, { collections: [getCollection("messages")], now: at(ms) });

/** Raw lines of the collection as `id@updatedAt` or `id!reason`, counted (every key should count 1). */
async function rawKeys(stack: TestStack): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const d of await readJsonl(stack, "raw", "messages")) {
    const tomb = d[TOMBSTONE_FIELD] as { reason: string } | undefined;
    const key = tomb ? `${hex(d._id)}!${tomb.reason}` : `${hex(d._id)}@${(d.updatedAt as Date).toISOString()}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

const versionKey = (doc: Document, updatedMs: number) => `${hex(doc._id)}@${at(updatedMs).toISOString()}`;

describe("raw keeps its history through every rebuild", () => {
  let stack: TestStack;
  beforeEach(async () => {
    stack = await createTestStack("rawhist");
  });
  afterEach(async () => stack.close());
  afterAll(closeTestClients);

  it("a document updated twice and deleted, then compacted and backfilled: raw holds v1, v2, v3 and the tombstone once each; curated the newest live state", async () => {
    const col = stack.db.collection("messages");
    const created = Date.parse(`${DAY}T08:00:00Z`);
    const gone = message(created); // updated twice, then deleted
    const kept = message(created + 10 * M); // updated twice, stays
    const still = message(created + 20 * M); // never changes
    await col.insertMany([gone, kept, still]);
    await runMessages(stack, T0);
    const v2 = T0 + 10 * M;
    const v3 = T0 + H + 10 * M;
    await col.updateMany({ _id: { $in: [gone._id, kept._id] } }, { $set: { rating: 2, updatedAt: at(v2) } });
    await runMessages(stack, T0 + H);
    await col.updateMany({ _id: { $in: [gone._id, kept._id] } }, { $set: { rating: 5, updatedAt: at(v3) } });
    await runMessages(stack, T0 + 2 * H);
    await col.deleteOne({ _id: gone._id });
    const reconciled = await reconcile(stack.ctx, { days: 3, collections: [getCollection("messages")], now: at(T0 + 3 * H) });
    expect(reconciled.drift).toBe(true);

    const expected = new Map([
      [versionKey(gone, created), 1],
      [versionKey(gone, v2), 1],
      [versionKey(gone, v3), 1],
      [`${hex(gone._id)}!deleted`, 1],
      [versionKey(kept, created + 10 * M), 1],
      [versionKey(kept, v2), 1],
      [versionKey(kept, v3), 1], // in the old raw and in MongoDB: once
      [versionKey(still, created + 20 * M), 1],
    ]);
    expect(await rawKeys(stack)).toEqual(expected);

    // The nightly compaction of 2026-03-20 and 2026-03-21, then a backfill of the day.
    await runBackfill(stack, { ...dailyCompactionRequest(at(Date.parse("2026-03-22T00:30:00Z"))), collections: ["messages"] }, at(T0 + 4 * H));
    expect(await rawKeys(stack)).toEqual(expected);
    await runBackfill(stack, backfillRequest({ collections: ["messages"], from: DAY, to: DAY }, at(T0 + 5 * H)), at(T0 + 5 * H));
    expect(await rawKeys(stack)).toEqual(expected);
    expect(await stack.lakeFiles("raw", "messages")).toHaveLength(1); // compacted: one file holds it all

    const rows = (await readCurated(stack, "messages")).rows;
    expect(rows.map((r) => r.id).sort()).toEqual([hex(kept._id), hex(still._id)].sort());
    expect(rows.find((r) => r.id === hex(kept._id))!.rating).toBe(5n);

    // A re-score reads raw's newest line per _id: the deleted document stays out.
    await runBackfill(stack, backfillRequest({ collections: ["messages"], from: DAY, to: DAY, rescoreOnly: true }, at(T0 + 6 * H)), at(T0 + 6 * H));
    const rescored = (await readCurated(stack, "messages")).rows;
    expect(rescored.map((r) => r.id).sort()).toEqual([hex(kept._id), hex(still._id)].sort());
    expect(rescored.find((r) => r.id === hex(kept._id))!.rating).toBe(5n);
  });

  it("a document deleted or moved before any change pass saw it gets its tombstone at the rebuild; its history stays on its old day", async () => {
    const col = stack.db.collection("messages");
    const created = Date.parse(`${DAY}T09:00:00Z`);
    const deleted = message(created);
    const moved = message(created + 5 * M);
    const stays = message(created + 10 * M);
    await col.insertMany([deleted, moved, stays]);
    await runMessages(stack, T0);
    await col.deleteOne({ _id: deleted._id });
    await col.updateOne({ _id: moved._id }, { $set: { createdAt: at(Date.parse("2026-03-19T09:00:00Z")), updatedAt: at(T0 + 10 * M) } });

    // The compaction (20th and 21st) runs before the hourly change pass or reconcile saw either.
    await runBackfill(stack, { ...dailyCompactionRequest(at(Date.parse("2026-03-22T00:30:00Z"))), collections: ["messages"] }, at(T0 + H));
    const raw = await readJsonl(stack, "raw", "messages");
    const tombs = raw.filter((d) => d[TOMBSTONE_FIELD]).map((d) => ({ id: hex(d._id), ...(d[TOMBSTONE_FIELD] as { reason: string; movedTo?: string }) }));
    expect(tombs.map(({ id, reason, movedTo }) => ({ id, reason, movedTo })).sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      [
        { id: hex(deleted._id), reason: "deleted", movedTo: undefined },
        { id: hex(moved._id), reason: "moved", movedTo: "2026-03-19" },
      ].sort((a, b) => a.id.localeCompare(b.id)),
    );
    expect(raw.filter((d) => !d[TOMBSTONE_FIELD]).map((d) => hex(d._id)).sort()).toEqual([deleted, moved, stays].map((d) => hex(d._id)).sort());

    // The hourly cycle then brings the moved document's new version to its new day, once; nothing doubles.
    await runMessages(stack, T0 + 2 * H);
    await runBackfill(stack, backfillRequest({ collections: ["messages"], from: "2026-03-19", to: DAY, rescoreOnly: true }, at(T0 + 3 * H)), at(T0 + 3 * H));
    const rows = (await readCurated(stack, "messages")).rows;
    expect(rows.map((r) => r.id).sort()).toEqual([hex(moved._id), hex(stays._id)].sort());
    expect(dayOf(rows.find((r) => r.id === hex(moved._id))!)).toBe("2026-03-19");
    const keys = await rawKeys(stack);
    expect([...keys.values()].every((n) => n === 1)).toBe(true);
    expect(keys.get(`${hex(moved._id)}!moved`)).toBe(1);
  });

  it("a purged tester's rows do not come back with a rebuild", async () => {
    const created = Date.parse(`${DAY}T10:00:00Z`);
    const tester = { _id: oid(created - 50 * H), createdAt: at(created - 50 * H), updatedAt: at(created - 50 * H), gradeLevel: "freshman" };
    await stack.db.collection("profiles").insertOne(tester);
    const theirs = [message(created, { userId: tester._id }), message(created + M, { userId: tester._id.toHexString() })];
    const others = [message(created + 2 * M)];
    await stack.db.collection("messages").insertMany([...theirs, ...others]);
    await runMessages(stack, T0);
    await stack.db.collection("messages").updateOne({ _id: theirs[0]!._id }, { $set: { rating: 1, updatedAt: at(T0 + 5 * M) } });
    await runMessages(stack, T0 + H); // a second version of theirs in raw
    await stack.db.collection("profiles").updateOne({ _id: tester._id }, { $set: { isTester: true, updatedAt: at(T0 + H + 5 * M) } });
    await runMessages(stack, T0 + 2 * H); // the purge

    const theirIds = theirs.map((d) => hex(d._id));
    const lakeIds = async () => [
      ...(await readJsonl(stack, "raw", "messages")).map((d) => hex(d._id)),
      ...(await readJsonl(stack, "quarantine", "messages")).map((q) => hex((q.doc as Document)._id)),
      ...(await readCurated(stack, "messages")).rows.map((r) => String(r.id)),
    ];
    expect((await lakeIds()).filter((id) => theirIds.includes(id))).toEqual([]);

    await runBackfill(stack, { ...dailyCompactionRequest(at(Date.parse("2026-03-22T00:30:00Z"))), collections: ["messages"] }, at(T0 + 3 * H));
    await runBackfill(stack, backfillRequest({ collections: ["messages"], from: DAY, to: DAY }, at(T0 + 4 * H)), at(T0 + 4 * H));
    expect((await lakeIds()).filter((id) => theirIds.includes(id))).toEqual([]);
    expect((await readCurated(stack, "messages")).rows.map((r) => r.id)).toEqual([hex(others[0]!._id)]);
  });

  it("an erased student's rows do not come back with a rebuild while MongoDB still holds them", async () => {
    const created = Date.parse(`${DAY}T11:00:00Z`);
    const student = { _id: oid(created - 50 * H), createdAt: at(created - 50 * H), updatedAt: at(created - 50 * H), gradeLevel: "freshman" };
    await stack.db.collection("profiles").insertOne(student);
    const theirs = [message(created, { userId: student._id }), message(created + M, { userId: student._id.toHexString() })];
    const others = [message(created + 2 * M)];
    await stack.db.collection("messages").insertMany([...theirs, ...others]);
    await runMessages(stack, T0);
    const record = await acceptErasure(stack.ctx, { userId: student._id.toHexString(), reason: "ticket-1" });
    await runErasure(stack.ctx, record.key);

    const theirIds = theirs.map((d) => hex(d._id));
    const inLake = async () => [
      ...(await readJsonl(stack, "raw", "messages")).map((d) => hex(d._id)),
      ...(await readCurated(stack, "messages")).rows.map((r) => String(r.id)),
    ];
    expect((await inLake()).filter((id) => theirIds.includes(id))).toEqual([]);
    await runBackfill(stack, backfillRequest({ collections: ["messages"], from: DAY, to: DAY }, at(T0 + H)), at(T0 + H));
    expect((await inLake()).filter((id) => theirIds.includes(id))).toEqual([]);
    expect((await readCurated(stack, "messages")).rows.map((r) => r.id)).toEqual([hex(others[0]!._id)]);
  });

  it("a rebuild that failed after its files were durable and before retiring, retried, holds each version once", async () => {
    const col = stack.db.collection("messages");
    const created = Date.parse(`${DAY}T12:00:00Z`);
    const docs = [message(created), message(created + M)];
    await col.insertMany(docs);
    await runMessages(stack, T0);
    await col.updateOne({ _id: docs[0]!._id }, { $set: { rating: 3, updatedAt: at(T0 + 10 * M) } });
    await runMessages(stack, T0 + H);
    await col.deleteOne({ _id: docs[1]!._id }); // its tombstone comes from the rebuild
    const expected = new Map([
      [versionKey(docs[0]!, created), 1],
      [versionKey(docs[0]!, T0 + 10 * M), 1],
      [versionKey(docs[1]!, created + M), 1],
      [`${hex(docs[1]!._id)}!deleted`, 1],
    ]);
    let failures = 0;
    await runBackfill(stack, backfillRequest({ collections: ["messages"], from: DAY, to: DAY }, at(T0 + 2 * H)), at(T0 + 2 * H), {
      afterWrite: async () => {
        // The first attempt's files are durable, the superseded ones still there: the retry reads both.
        if (failures++ === 0) throw new Error("worker died after writing");
      },
    });
    expect(failures).toBe(2);
    expect(await rawKeys(stack)).toEqual(expected);
    expect((await readCurated(stack, "messages")).rows.map((r) => [r.id, r.rating])).toEqual([[hex(docs[0]!._id), 3n]]);
  });
});
