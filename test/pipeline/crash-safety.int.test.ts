import { ObjectId, type Document } from "mongodb";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { getCollection } from "../../lib/collections/index.js";
import { runCollection } from "../../lib/pipeline/run-collection.js";
import { WatermarkStore } from "../../lib/state/watermarks.js";
import { readCurated, readJsonl } from "../fixtures/lake-readers.js";
import { runCliProcess } from "../cli/run-cli.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";

const NOW = "2026-03-21T12:00:00Z";
const hex = (id: unknown) => (id instanceof ObjectId ? id.toHexString() : String(id));

const runCli = (stack: TestStack, extraEnv: Record<string, string> = {}) =>
  runCliProcess({ ...stack.env, ETL_LEASE_WAIT_SECONDS: "30", ...extraEnv }, ["--collection", "messages", "--now", NOW]);

function messagesOver3Days(count: number): Document[] {
  const user = new ObjectId();
  return Array.from({ length: count }, (_, i) => ({
    _id: new ObjectId(),
    userId: i % 2 ? user : user.toHexString(),
    category: "system",
    createdAt: new Date(Date.parse("2026-03-19T00:00:00Z") + Math.floor(i / 3) * 3_600_000 * 1.7),
    studentMessage: "q",
    aiResponse: "a",
    ...(i % 10 === 0 ? { rating: "bad" } : {}), // some quarantine traffic too
  }));
}

async function expectExactlyOnce(stack: TestStack, docs: Document[]) {
  const expected = docs.map((d) => hex(d._id)).sort();
  const raw = (await readJsonl(stack, "raw", "messages")).map((d) => hex(d._id)).sort();
  expect(raw).toEqual(expected);
  const curated = (await readCurated(stack, "messages")).rows.map((r) => String(r.id));
  const quarantined = (await readJsonl(stack, "quarantine", "messages")).map((q) => hex(q.doc._id));
  expect([...curated, ...quarantined].sort()).toEqual(expected);
  const wm = await new WatermarkStore(stack.ctx.storage.table(stack.config.tables.watermarks)).read("messages");
  expect(wm.pending).toBeUndefined();
}

describe("crash safety", () => {
  let stack: TestStack;
  beforeEach(async () => {
    stack = await createTestStack("crash");
  });
  afterEach(async () => stack.close());
  afterAll(closeTestClients);

  it.each(["after-claim", "doc-written:17", "partition-closed:2", "before-commit", "after-commit"])(
    "a run killed at %s and run again leaves every document exactly once",
    async (point) => {
      const docs = messagesOver3Days(60);
      await stack.db.collection("messages").insertMany(docs);
      const crashed = await runCli(stack, { ETL_FAULT_CRASH_AT: point });
      expect(crashed.signal).toBe("SIGKILL");
      // A document arriving between the crash and the replay, inside the pending window.
      const late = { ...messagesOver3Days(1)[0]!, _id: new ObjectId(), createdAt: new Date("2026-03-20T05:00:00Z"), rating: 4 };
      await stack.db.collection("messages").insertOne(late);
      const rerun = await runCli(stack); // waits for the dead run's lease to expire
      expect(rerun.code, rerun.output).toBe(0);
      if (point === "after-commit") {
        // The crashed run committed; the late document (older than the watermark) is left to a backfill.
        await expectExactlyOnce(stack, docs);
      } else {
        expect(rerun.output).toContain("replaying unfinished window");
        await expectExactlyOnce(stack, [...docs, late]);
      }
    },
  );

  it("removes files of the crashed attempt that the replay no longer writes", async () => {
    const docs = messagesOver3Days(60);
    await stack.db.collection("messages").insertMany(docs);
    const crashed = await runCli(stack, { ETL_FAULT_CRASH_AT: "partition-closed:1" });
    expect(crashed.signal).toBe("SIGKILL");
    const crashedFiles = await stack.lakeFiles("raw", "messages");
    expect(crashedFiles).toHaveLength(1);
    expect(crashedFiles[0]).toMatch(/^messages\/date=2026-03-19\/messages_20260321_120000_[0-9a-f]{6}\.jsonl$/);
    // The first day's documents are deleted upstream before the replay.
    const firstDay = docs.filter((d) => (d.createdAt as Date).toISOString().startsWith("2026-03-19"));
    await stack.db.collection("messages").deleteMany({ _id: { $in: firstDay.map((d) => d._id) } });
    expect((await runCli(stack)).code).toBe(0);
    expect((await stack.lakeFiles("raw", "messages")).some((f) => f.includes("2026-03-19"))).toBe(false);
    await expectExactlyOnce(stack, docs.filter((d) => !firstDay.includes(d)));
  });

  it("lets only one of two concurrent runs write; the other says it skipped", async () => {
    const docs = messagesOver3Days(30);
    await stack.db.collection("messages").insertMany(docs);
    const spec = getCollection("messages");
    const now = new Date(NOW);
    const results = await Promise.all([runCollection(stack.ctx, spec, { now }), runCollection(stack.ctx, spec, { now })]);
    expect(results.map((r) => r.outcome).sort()).toEqual(["skipped", "success"]);
    expect(stack.logs.some((l) => l.level === "warn" && l.message === "messages: skipped, another run holds its lease (it will pick up this window)")).toBe(true);
    await expectExactlyOnce(stack, docs);
  });
});
