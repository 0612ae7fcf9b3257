import { InvocationContext, type Timer } from "@azure/functions";
import { Binary, BSONRegExp, Double, Int32, Long, ObjectId, Timestamp, type Document } from "mongodb";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { getCollection } from "../../lib/collections/index.js";
import { extractionSort, windowFilter } from "../../lib/extract/window.js";
import { compactionTimerHandler } from "../../lib/handlers/compaction-timer.js";
import { runCollection } from "../../lib/pipeline/run-collection.js";
import { WatermarkStore } from "../../lib/state/watermarks.js";
import { describeId } from "../../lib/transform/bson-values.js";
import { readCurated, readJsonl } from "../fixtures/lake-readers.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";

const messages = getCollection("messages");
const student = new ObjectId();
const key = (id: unknown) => describeId(id);

function message(createdAt: unknown, extra: Document = {}): Document {
  return { _id: new ObjectId(), userId: student, category: "system", studentMessage: "hi", aiResponse: "hello", createdAt, ...extra };
}

async function expectOnce(stack: TestStack, placed: Document[], untimed: Document[] = []) {
  const raw = (await readJsonl(stack, "raw", "messages")).map((d) => key(d._id)).sort();
  expect(raw).toEqual(placed.map((d) => key(d._id)).sort());
  const curated = (await readCurated(stack, "messages")).rows.map((r) => String(r.id));
  const quarantined = (await readJsonl(stack, "quarantine", "messages")).map((q) => key(q.doc._id));
  expect([...curated, ...quarantined].sort()).toEqual([...placed, ...untimed].map((d) => key(d._id)).sort());
}

const watermarks = (stack: TestStack) => new WatermarkStore(stack.ctx.storage.table(stack.config.tables.watermarks));

describe("exactly once, under the faults the review reproduced", () => {
  let stack: TestStack;
  beforeEach(async () => {
    stack = await createTestStack("once", { ETL_BATCH_SIZE: "2" });
    await stack.db.collection("profiles").insertOne({ _id: student, createdAt: new Date("2026-01-01T00:00:00Z") });
  });
  afterEach(async () => stack.close());
  afterAll(closeTestClients);

  it("two windows started in the same second keep each other's files (defect 1)", async () => {
    const now = new Date("2026-03-20T12:00:00Z");
    const first = [message(new Date("2026-03-20T10:00:00Z")), message(new Date("2026-03-20T10:05:00Z"))];
    await stack.db.collection("messages").insertMany(first);
    const a = await runCollection(stack.ctx, messages, { now });
    const second = [message(new Date("2026-03-20T10:30:00Z")), message(new Date("2026-03-20T10:40:00Z"))];
    await stack.db.collection("messages").insertMany(second);
    const b = await runCollection(stack.ctx, messages, { now }); // e.g. a manual run with the same --now
    expect(a.runId).not.toBe(b.runId);
    expect(a.runId.startsWith("20260320_120000_")).toBe(true);
    expect(await stack.lakeFiles("raw", "messages")).toHaveLength(2);
    await expectOnce(stack, [...first, ...second]);
  });

  it("nightly compaction before the first hourly run creates no watermark (defect 2)", async () => {
    const docs = [1, 5, 20, 60].map((daysAgo) => message(new Date(Date.now() - daysAgo * 86_400_000)));
    await stack.db.collection("messages").insertMany(docs);
    const timer = { isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: "", next: "", lastUpdated: "" } } as Timer;
    await compactionTimerHandler(async () => stack.ctx)(timer, new InvocationContext({ invocationId: "c1", functionName: "compaction" }));
    expect((await watermarks(stack).read("messages")).etag).toBeUndefined();
    expect(stack.logs.some((l) => l.message.includes("skipped, no committed hourly window yet"))).toBe(true);
    const run = await runCollection(stack.ctx, messages);
    expect(run.outcome).toBe("success");
    await expectOnce(stack, docs);
  });

  it("a deleted watermark row with files in the lake refuses and says how to recover (defect 3)", async () => {
    const docs = [message(new Date("2026-03-20T10:00:00Z"))];
    await stack.db.collection("messages").insertMany(docs);
    expect((await runCollection(stack.ctx, messages, { now: new Date("2026-03-20T12:00:00Z") })).outcome).toBe("success");
    await stack.ctx.storage.table(stack.config.tables.watermarks).deleteEntity("watermark", "messages");
    const refused = await runCollection(stack.ctx, messages, { now: new Date("2026-03-20T13:00:00Z") });
    expect(refused.outcome).toBe("failed");
    expect(refused.error).toContain("has no watermark row");
    expect(refused.error).toContain("full backfill from 2026-03-20 to 2026-03-20 for messages with repairWatermark: true");
    expect((await watermarks(stack).read("messages")).etag).toBeUndefined(); // refused before claiming
    await expectOnce(stack, docs);
  });

  it("a malformed watermark row names the field and does not advise deleting it (defect 3)", async () => {
    await stack.ctx.storage.table(stack.config.tables.watermarks).createEntity({ partitionKey: "watermark", rowKey: "messages", lastCreatedAt: "yesterday" });
    const run = await runCollection(stack.ctx, messages, { now: new Date("2026-03-20T12:00:00Z") });
    expect(run.error).toContain("lastCreatedAt");
    expect(run.error).toContain("Do not delete the row");
    expect(run.error).not.toMatch(/fix or delete/);
  });

  it("orders every _id type the server stores exactly as the server sorts them (defect 6)", async () => {
    const t = new Date("2026-03-20T10:00:00Z");
    const ids = [new Int32(5), new Double(6.5), new Long(7), "s-1", { k: 1 }, new Binary(Buffer.from("b")), new ObjectId(), true, new Date(0), new Timestamp({ t: 1, i: 1 })];
    const docs = ids.map((id) => message(t, { _id: id }));
    await stack.db.collection("messages").insertMany(docs);
    const coll = stack.db.collection("messages");
    const sorted = await coll.find({}, { sort: extractionSort, promoteValues: false }).toArray();
    expect(sorted).toHaveLength(ids.length);
    // From each document as watermark, the window holds exactly the documents the server sorts after it.
    for (let i = 0; i < sorted.length; i++) {
      const after = await coll.find(windowFilter({ lower: { createdAt: t, id: sorted[i]!._id }, upper: new Date("2026-03-20T11:00:00Z") }), { sort: extractionSort, promoteValues: false }).toArray();
      expect(after.map((d) => key(d._id))).toEqual(sorted.slice(i + 1).map((d) => key(d._id)));
    }
    // Through the real runs, one document per window (the window bound): every one lands once.
    const bounded = await createTestStack("once-bounded", { ETL_WINDOW_MAX_DOCS: "1" });
    try {
      await bounded.db.collection("messages").insertMany(docs);
      const runs = [];
      for (let i = 0; i <= ids.length; i++) runs.push(await runCollection(bounded.ctx, messages, { now: new Date("2026-03-20T12:00:00Z") }));
      expect(runs.every((r) => r.outcome === "success")).toBe(true);
      expect(runs.slice(0, ids.length).every((r) => r.rawRows === 1 && !r.caughtUp)).toBe(true);
      expect(runs.at(-1)!.rawRows).toBe(0);
      const raw = (await readJsonl(bounded, "raw", "messages")).map((d) => key(d._id));
      expect(raw.sort()).toEqual(docs.map((d) => key(d._id)).sort());
    } finally {
      await bounded.close();
    }
  });

  it("a clock that goes back never moves windowUpper back; untimed documents are quarantined once (defect 8)", async () => {
    const untimed: Document = { ...message(undefined), _id: ObjectId.createFromTime(Date.parse("2026-03-20T10:30:00Z") / 1000) };
    delete untimed.createdAt;
    const timed = message(new Date("2026-03-20T10:20:00Z"));
    await stack.db.collection("messages").insertMany([untimed, timed]);
    await runCollection(stack.ctx, messages, { now: new Date("2026-03-20T12:00:00Z") });
    const back = await runCollection(stack.ctx, messages, { now: new Date("2026-03-20T11:00:00Z") });
    expect(back.windowTo).toEqual(new Date("2026-03-20T11:58:00Z"));
    await runCollection(stack.ctx, messages, { now: new Date("2026-03-20T13:00:00Z") });
    expect((await watermarks(stack).read("messages")).windowUpper).toEqual(new Date("2026-03-20T12:58:00Z"));
    await expectOnce(stack, [timed], [untimed]);
  });

  it("quarantines untimed documents whose _id is not an ObjectId, once, whatever the runs (defect 5)", async () => {
    const odd: Document[] = [
      { _id: "no-time-1", userId: student, createdAt: "2026-03-20" },
      { _id: new Int32(42), userId: student },
      { _id: { nested: "id" }, userId: student, createdAt: null },
    ];
    const timed = message(new Date("2026-03-20T10:20:00Z"));
    await stack.db.collection<Document>("messages").insertMany([...odd, timed]);
    const first = await runCollection(stack.ctx, messages, { now: new Date("2026-03-20T12:00:00Z") });
    expect(first.quarantined).toBe(3);
    const again = await runCollection(stack.ctx, messages, { now: new Date("2026-03-20T13:00:00Z") });
    expect(again.quarantined).toBe(0);
    await runCollection(stack.ctx, messages, { now: new Date("2026-03-20T13:00:00Z") });
    await expectOnce(stack, [timed], odd);
    const lines = await readJsonl(stack, "quarantine", "messages");
    expect(lines.map((l) => l.reason).sort()).toEqual(["createdAt is missing", "createdAt is not a Date", "createdAt is not a Date"]);
    expect((await stack.lakeFiles("quarantine", "messages")).every((f) => f.startsWith("messages/date=1970-01-01/messages_untimed_"))).toBe(true);
  });

  it("reads regexes as BSON: flags and PCRE-only patterns land intact, nothing stops (defect 9)", async () => {
    const docs = [
      message(new Date("2026-03-20T10:00:00Z"), { pattern: new BSONRegExp("a.b", "is") }),
      message(new Date("2026-03-20T10:01:00Z"), { pattern: new BSONRegExp("(?i)abc(?>x)a++", "") }),
      message(new Date("2026-03-20T10:02:00Z")),
    ];
    await stack.db.collection("messages").insertMany(docs);
    const run = await runCollection(stack.ctx, messages, { now: new Date("2026-03-20T12:00:00Z") });
    expect(run.outcome, run.error).toBe("success");
    const raw = await readJsonl(stack, "raw", "messages");
    const patterns = raw.filter((d) => d.pattern).map((d) => [d.pattern.pattern, d.pattern.options]);
    expect(patterns.sort()).toEqual([["(?i)abc(?>x)a++", ""], ["a.b", "is"]]);
    await expectOnce(stack, docs);
    const extra = (await readCurated(stack, "messages")).rows.map((r) => String(r.extra_json)).filter((j) => j.includes("regularExpression"));
    expect(extra).toHaveLength(2);
  });

  it("a bounded window commits in order and the backlog drains across runs, progress in each summary", async () => {
    const bounded = await createTestStack("once-drain", { ETL_WINDOW_MAX_DOCS: "4" });
    try {
      const docs = Array.from({ length: 10 }, (_, i) => message(new Date(Date.parse("2026-03-18T00:00:00Z") + i * 3_600_000 * 5)));
      await bounded.db.collection("messages").insertMany(docs);
      const now = new Date("2026-03-20T12:00:00Z");
      const runs = [];
      for (let i = 0; i < 3; i++) runs.push(await runCollection(bounded.ctx, messages, { now }));
      expect(runs.map((r) => [r.rawRows, r.caughtUp])).toEqual([[4, false], [4, false], [2, true]]);
      expect(runs[1]!.windowFrom).toEqual(docs[3]!.createdAt);
      expect((await watermarks(bounded).read("messages")).last?.createdAt).toEqual(docs[9]!.createdAt);
      const raw = (await readJsonl(bounded, "raw", "messages")).map((d) => key(d._id)).sort();
      expect(raw).toEqual(docs.map((d) => key(d._id)).sort());
    } finally {
      await bounded.close();
    }
  });

  it("holds a document dated in the future back, counted, and loads it once when its time comes", async () => {
    const future = message(new Date("2026-03-25T00:00:00Z"));
    const now = message(new Date("2026-03-20T10:00:00Z"));
    await stack.db.collection("messages").insertMany([future, now]);
    const first = await runCollection(stack.ctx, messages, { now: new Date("2026-03-20T12:00:00Z") });
    expect([first.rawRows, first.heldBack]).toEqual([1, 1]);
    const later = await runCollection(stack.ctx, messages, { now: new Date("2026-03-25T01:00:00Z") });
    expect([later.rawRows, later.heldBack]).toEqual([1, 0]);
    await expectOnce(stack, [future, now]);
  });
});
