import { ObjectId, type Document } from "mongodb";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { getCollection } from "../../lib/collections/index.js";
import { runCollection } from "../../lib/pipeline/run-collection.js";
import { runEtl } from "../../lib/pipeline/run-etl.js";
import { WatermarkStore } from "../../lib/state/watermarks.js";
import { readCurated, readJsonl } from "../fixtures/lake-readers.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";

const messages = getCollection("messages");
const profiles = getCollection("profiles");
const hex = (id: unknown) => (id instanceof ObjectId ? id.toHexString() : String(id));
const student = new ObjectId();

function message(createdAt: Date, extra: Document = {}): Document {
  return { _id: new ObjectId(), userId: student, category: "system", studentMessage: "hi", aiResponse: "hello", createdAt, ...extra };
}

async function landedIds(stack: TestStack): Promise<string[]> {
  return (await readJsonl(stack, "raw", "messages")).map((d) => hex(d._id)).sort();
}

describe("incremental extraction", () => {
  let stack: TestStack;
  beforeEach(async () => {
    stack = await createTestStack("incr", { ETL_BATCH_SIZE: "2" });
    await stack.db.collection("profiles").insertOne({ _id: student, createdAt: new Date("2026-01-01T00:00:00Z") });
  });
  afterEach(async () => stack.close());
  afterAll(closeTestClients);

  it("picks up only documents newer than the watermark", async () => {
    const first = [1, 2, 3].map((m) => message(new Date(`2026-03-20T10:0${m}:00Z`)));
    await stack.db.collection("messages").insertMany(first);
    const run1 = await runCollection(stack.ctx, messages, { now: new Date("2026-03-20T11:00:00Z") });
    expect(run1.rawRows).toBe(3);

    const second = [1, 2].map((m) => message(new Date(`2026-03-20T11:1${m}:00Z`)));
    await stack.db.collection("messages").insertMany(second);
    const run2 = await runCollection(stack.ctx, messages, { now: new Date("2026-03-20T12:00:00Z") });
    expect(run2.rawRows).toBe(2);
    expect(run2.windowFrom).toEqual(new Date("2026-03-20T10:03:00Z"));

    const run3 = await runCollection(stack.ctx, messages, { now: new Date("2026-03-20T13:00:00Z") });
    expect(run3.rawRows).toBe(0);
    expect(await landedIds(stack)).toEqual([...first, ...second].map((d) => hex(d._id)).sort());
    const wm = await new WatermarkStore(stack.ctx.storage.table(stack.config.tables.watermarks)).read("messages");
    expect(hex(wm.last?.id)).toBe(hex(second[1]!._id));
    expect(wm.pending).toBeUndefined();
  });

  it("neither skips nor repeats documents that share a createdAt across batches and runs", async () => {
    const t = new Date("2026-03-20T10:30:00Z");
    // Seven ties with batch size 2: the cursor crosses three batch boundaries inside the tie.
    const ties = Array.from({ length: 7 }, () => message(t));
    await stack.db.collection("messages").insertMany(ties);
    await runCollection(stack.ctx, messages, { now: new Date("2026-03-20T11:00:00Z") });
    // A late document with the same createdAt and a larger _id, plus one with a string _id.
    const late = [message(t), message(t, { _id: "zz-late-string-id" })];
    await stack.db.collection("messages").insertMany(late);
    const run2 = await runCollection(stack.ctx, messages, { now: new Date("2026-03-20T12:00:00Z") });
    expect(run2.rawRows).toBe(1); // the ObjectId one; the string _id sorts before every ObjectId
    const ids = await landedIds(stack);
    expect(ids).toEqual([...ties, late[0]!].map((d) => hex(d._id)).sort());
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("leaves a document inside the settle window for the next run", async () => {
    const now = new Date("2026-03-20T11:00:00Z");
    const settled = message(new Date("2026-03-20T10:57:00Z"));
    const fresh = message(new Date("2026-03-20T10:59:30Z")); // 30 s old: inside the 2-minute settle delay
    await stack.db.collection("messages").insertMany([settled, fresh]);
    const run1 = await runCollection(stack.ctx, messages, { now });
    expect(run1.rawRows).toBe(1);
    expect(run1.windowTo).toEqual(new Date("2026-03-20T10:58:00Z"));
    // Inserted late, after run 1, but with a createdAt before run 1's upper bound and after the watermark.
    const lateInsert = message(new Date("2026-03-20T10:57:30Z"));
    await stack.db.collection("messages").insertOne(lateInsert);
    const run2 = await runCollection(stack.ctx, messages, { now: new Date("2026-03-20T12:00:00Z") });
    expect(run2.rawRows).toBe(2);
    expect(await landedIds(stack)).toEqual([settled, fresh, lateInsert].map((d) => hex(d._id)).sort());
  });

  it("starts the lookback days back when there is no watermark", async () => {
    const now = new Date("2026-03-20T11:00:00Z");
    const old = message(new Date("2025-12-01T00:00:00Z")); // > 90 days before now
    const recent = message(new Date("2026-01-01T00:00:00Z"));
    await stack.db.collection("messages").insertMany([old, recent]);
    const run = await runCollection(stack.ctx, messages, { now });
    expect(run.windowFrom).toEqual(new Date("2025-12-20T11:00:00Z"));
    expect(await landedIds(stack)).toEqual([hex(recent._id)]);
  });

  it("writes a window that spans midnight into two date partitions", async () => {
    const before = message(new Date("2026-03-20T23:59:59.999Z"));
    const after = message(new Date("2026-03-21T00:00:00.000Z"));
    await stack.db.collection("messages").insertMany([before, after]);
    const run = await runCollection(stack.ctx, messages, { now: new Date("2026-03-21T01:00:00Z") });
    expect(await stack.lakeFiles("raw", "messages")).toEqual([
      `messages/date=2026-03-20/messages_${run.runId}.jsonl`,
      `messages/date=2026-03-21/messages_${run.runId}.jsonl`,
    ]);
    expect(await stack.lakeFiles("curated", "messages")).toEqual([
      `messages/date=2026-03-20/messages_${run.runId}.parquet`,
      `messages/date=2026-03-21/messages_${run.runId}.parquet`,
    ]);
    const { rows } = await readCurated(stack, "messages");
    const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
    expect((byId[hex(before._id)]!.date as Date).toISOString().slice(0, 10)).toBe("2026-03-20");
    expect((byId[hex(after._id)]!.created_at as Date).toISOString()).toBe("2026-03-21T00:00:00.000Z");
  });
});

describe("tester exclusion", () => {
  let stack: TestStack;
  beforeEach(async () => {
    stack = await createTestStack("testers");
  });
  afterEach(async () => stack.close());

  it("applies every rule to profiles and, by userId in both id forms, to the other collections", async () => {
    const t = new Date("2026-03-20T10:00:00Z");
    const real = { _id: new ObjectId(), createdAt: t };
    const realEmptyName = { _id: new ObjectId(), createdAt: t, first_name: "", isTester: false, isArchived: false };
    const testers = [
      { _id: new ObjectId(), createdAt: t, isTester: true },
      { _id: new ObjectId(), createdAt: t, isArchived: true },
      { _id: new ObjectId(), createdAt: t, first_name: "Dana" },
      { _id: new ObjectId().toHexString(), createdAt: t, isTester: true }, // profile _id stored as hex string
    ];
    await stack.db.collection("profiles").insertMany([real, realEmptyName, ...testers] as Document[]);
    const asObjectId = (id: unknown) => (typeof id === "string" ? new ObjectId(id) : id);
    const asHex = (id: unknown) => hex(id);
    const docs = [real, realEmptyName, ...testers].flatMap((p) => [
      message(t, { userId: asObjectId(p._id) }),
      message(t, { userId: asHex(p._id) }),
    ]);
    await stack.db.collection("messages").insertMany(docs);
    await stack.db.collection("actions").insertMany(docs.map((d) => ({ _id: new ObjectId(), userId: d.userId, createdAt: t, type: "login" })));

    const result = await runEtl(stack.ctx, { now: new Date("2026-03-20T11:00:00Z") });
    expect(result.failed).toEqual([]);
    expect(stack.logs.map((l) => l.message)).toContain("Excluding 4 tester/archived profiles");

    const realIds = new Set([hex(real._id), hex(realEmptyName._id)]);
    for (const name of ["messages", "actions"]) {
      const landed = await readJsonl(stack, "raw", name);
      expect(landed).toHaveLength(4);
      expect(landed.every((d) => realIds.has(hex(d.userId)))).toBe(true);
      const summary = result.summaries.find((s) => s.collection === name)!;
      expect(summary.testersExcluded).toBe(8);
    }
    const landedProfiles = (await readCurated(stack, "profiles")).rows.map((r) => r.id).sort();
    expect(landedProfiles).toEqual([...realIds].sort());
    expect(result.summaries.find((s) => s.collection === "profiles")!.testersExcluded).toBe(4);
    expect(profiles.testerRule).toBe("profile");
  });
});
