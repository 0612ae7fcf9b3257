import { BSONRegExp, ObjectId, type Document } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reconcile } from "../../lib/changes/reconcile.js";
import { getCollection } from "../../lib/collections/index.js";
import { runEtl } from "../../lib/pipeline/run-etl.js";
import { readCurated, readJsonl } from "../fixtures/lake-readers.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";

const hex = (id: unknown) => (id instanceof ObjectId ? id.toHexString() : String(id));
const H = 3_600_000;
const T0 = Date.parse("2026-03-21T12:00:00Z");
const at = (ms: number) => new Date(ms);
const oid = (ms: number) => new ObjectId(Math.floor(ms / 1000));
// A pattern JavaScript cannot compile: read as a JS RegExp, the driver throws inside the cursor.
const pcre = () => new BSONRegExp("(?i)abc(?>x)a++", "");

function message(ms: number, extra: Document = {}): Document {
  return { _id: oid(ms), userId: new ObjectId(), category: "system", createdAt: at(ms), updatedAt: at(ms), studentMessage: "q", aiResponse: "a", pattern: pcre(), ...extra };
}

const runMessages = (stack: TestStack, ms: number) => runEtl(stack.ctx, { collections: [getCollection("messages")], now: at(ms) });

describe("change capture and reconcile read documents as the insert path does", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack("chgread");
  });
  afterAll(async () => {
    await stack.close();
    await closeTestClients();
  });

  it("a changed document holding a regex JavaScript cannot compile reaches curated, its raw versions exact", async () => {
    const col = stack.db.collection("messages");
    const doc = message(Date.parse("2026-03-20T08:00:00Z"));
    await col.insertOne(doc);
    await runMessages(stack, T0);
    await col.updateOne({ _id: doc._id }, { $set: { rating: 4, updatedAt: at(T0 + 10 * 60_000) } });
    const result = await runMessages(stack, T0 + H);
    expect(result.changesFailed).toEqual([]);
    expect((await readCurated(stack, "messages")).rows.find((r) => r.id === hex(doc._id))!.rating).toBe(4n);
    const versions = (await readJsonl(stack, "raw", "messages")).filter((d) => hex(d._id) === hex(doc._id));
    expect(versions).toHaveLength(2);
    for (const v of versions) expect(v.pattern).toEqual(pcre());
  });

  it("reconcile loads a missing document holding such a regex", async () => {
    const col = stack.db.collection("messages");
    const late = message(Date.parse("2026-03-20T07:00:00Z")); // behind the watermark: only reconcile finds it
    await col.insertOne(late);
    const found = await reconcile(stack.ctx, { days: 2, collections: [getCollection("messages")], now: at(T0 + 2 * H) });
    expect(found.days.filter((d) => d.missing > 0).map((d) => [d.day, d.missing, d.repaired])).toEqual([["2026-03-20", 1, true]]);
    expect((await readCurated(stack, "messages")).rows.map((r) => r.id)).toContain(hex(late._id));
  });
});
