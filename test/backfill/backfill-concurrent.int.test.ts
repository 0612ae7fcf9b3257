import { ObjectId, type Document } from "mongodb";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChunkMessage } from "../../lib/backfill/chunk-message.js";
import { chunkFileId } from "../../lib/backfill/plan.js";
import { getCollection } from "../../lib/collections/index.js";
import { runCollection } from "../../lib/pipeline/run-collection.js";
import { runEtl } from "../../lib/pipeline/run-etl.js";
import { WatermarkStore } from "../../lib/state/watermarks.js";
import { generateDataset, insertDataset } from "../../scripts/generate/dataset.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";
import { backfillApi, drainJob, expectCompacted, expectedByDay, expectLakeMatches, readLake, runEtlCli } from "./fixtures.js";

const messages = getCollection("messages");
const student = new ObjectId();
const message = (createdAt: string): Document => ({
  _id: new ObjectId(), userId: student, category: "system", studentMessage: "hi", aiResponse: "hello", createdAt: new Date(createdAt),
});

describe("hourly runs during a backfill", () => {
  let stack: TestStack;
  const docs: Document[] = [];
  const insert = async (...more: Document[]) => {
    docs.push(...more);
    await stack.db.collection("messages").insertMany(more);
  };
  const hourly = async (at: string) => {
    const summary = await runCollection(stack.ctx, messages, { now: new Date(at) });
    expect(summary.outcome, summary.error).toBe("success"); // never blocked or skipped by the backfill
    return summary;
  };

  beforeEach(async () => {
    docs.length = 0;
    stack = await createTestStack("bfconc", { ETL_LEASE_WAIT_SECONDS: "25" });
  });
  afterEach(async () => stack.close());
  afterAll(closeTestClients);

  it("lose and duplicate nothing when windows commit at each step of a chunk", async () => {
    await insert(message("2026-11-19T08:00:00Z"), message("2026-11-19T20:00:00Z"), message("2026-11-20T08:00:00Z"));
    await hourly("2026-11-20T09:00:00Z");
    await insert(message("2026-11-20T09:30:00Z"));
    await hourly("2026-11-20T10:00:00Z");

    const api = backfillApi(stack, () => new Date("2026-11-20T10:00:00Z"));
    const submitted = await api.post({ days: 2, collections: ["messages"] });
    const jobId = submitted.body.jobId as string;
    const today = (c: ChunkMessage) => c.day === "2026-11-20";
    let listings = 0;
    const hooks = {
      // Between the listing and the second watermark read: a window commits; the chunk lists again.
      afterListing: async (c: ChunkMessage) => {
        if (!today(c) || listings++ > 0) return;
        await insert(message("2026-11-20T10:10:00Z"));
        await hourly("2026-11-20T11:00:00Z");
      },
      // After the snapshot: a window commits a new file (not the chunk's to delete), and a document
      // arrives late behind the watermark (the chunk's to recover).
      afterSnapshot: async (c: ChunkMessage) => {
        if (!today(c)) return;
        await insert(message("2026-11-20T11:05:00Z"), message("2026-11-20T08:30:00Z"));
        await hourly("2026-11-20T12:00:00Z");
      },
      // Between the compacted write and the deletes.
      afterWrite: async (c: ChunkMessage) => {
        if (!today(c)) return;
        await insert(message("2026-11-20T12:10:00Z"));
        await hourly("2026-11-20T13:00:00Z");
      },
    };
    await drainJob(stack, jobId, { hooks, now: () => new Date("2026-11-20T13:00:00Z") });
    expect((await api.job(jobId)).status).toBe("done");
    expect(listings).toBe(2);
    expect(stack.logs.some((l) => l.message === "messages 2026-11-20: watermark moved while listing (listing 1); listing again")).toBe(true);

    const lake = await readLake(stack, "messages");
    expectLakeMatches(lake, expectedByDay("messages", docs, []));
    // Today: the compacted file (everything up to the 11:00 window) plus the two later windows' files.
    const todayFiles = lake.files.raw["2026-11-20"]!;
    expect(todayFiles).toHaveLength(3);
    expect(todayFiles[0]).toMatch(/^messages\/date=2026-11-20\/messages_20261120_120000_[0-9a-f]{6}\.jsonl$/);
    expect(todayFiles[1]).toMatch(/^messages\/date=2026-11-20\/messages_20261120_130000_[0-9a-f]{6}\.jsonl$/);
    expect(todayFiles[2]).toBe(`messages/date=2026-11-20/messages_${chunkFileId("full", jobId)}.jsonl`);
    expectCompacted(lake, ["2026-11-19"], chunkFileId("full", jobId));
  });

  it("lose and duplicate nothing when hourly runs of all collections go on while the queue drains", async () => {
    const data = generateDataset({ from: new Date("2026-11-14T00:00:00Z"), to: new Date("2026-11-20T08:00:00Z"), messages: 300 });
    await insertDataset(stack.db, data);
    let clock = new Date("2026-11-20T09:00:00Z");
    expect((await runEtl(stack.ctx, { now: clock })).failed).toEqual([]);
    const api = backfillApi(stack, () => clock);
    const submitted = await api.post({ days: 7 });
    expect(submitted.body.chunks).toBe(42);

    const extra: Document[] = [];
    let chunksDone = 0;
    let drained = false;
    const doneWhenRunsStarted: number[] = [];
    // Each hourly run starts once the drain has moved on a few more chunks, so runs and chunks
    // overlap however fast either side is on a busy machine (a run never waits on a finished drain).
    const drainReaches = async (n: number) => {
      while (chunksDone < n && !drained) await new Promise((r) => setTimeout(r, 20));
    };
    const hourlyTraffic = async () => {
      for (let hour = 10; hour <= 15; hour++) {
        await drainReaches((hour - 10) * 5);
        const hh = (h: number) => String(h).padStart(2, "0");
        const more = [message(`2026-11-20T${hh(hour - 1)}:20:00Z`), message(`2026-11-20T${hh(hour - 1)}:40:00Z`)];
        extra.push(...more);
        await stack.db.collection("messages").insertMany(more);
        clock = new Date(`2026-11-20T${hh(hour)}:00:00Z`);
        doneWhenRunsStarted.push(chunksDone);
        const run = await runEtl(stack.ctx, { now: clock });
        expect(run.failed).toEqual([]);
        expect(run.summaries.every((s) => s.outcome === "success")).toBe(true);
      }
    };
    const drain = drainJob(stack, submitted.body.jobId as string, { concurrency: 3, now: () => clock, onEvent: () => void chunksDone++ })
      .finally(() => (drained = true));
    await Promise.all([drain, hourlyTraffic()]);
    expect((await api.job(submitted.body.jobId as string)).status).toBe("done");
    expect(doneWhenRunsStarted.filter((n) => n > 0 && n < 42).length, `chunks done as each run started: ${doneWhenRunsStarted}`).toBeGreaterThan(0);
    await runEtl(stack.ctx, { now: new Date("2026-11-20T16:00:00Z") });

    expectLakeMatches(await readLake(stack, "messages"), expectedByDay("messages", [...data.messages, ...extra], data.testerIds));
    for (const name of ["profiles", "actions", "paths", "tasks", "errorlogs"] as const) {
      expectLakeMatches(await readLake(stack, name), expectedByDay(name, data[name], data.testerIds));
    }
  });

  it("leave a crashed hourly window's files to its replay", async () => {
    await insert(message("2026-11-20T07:00:00Z"));
    await hourly("2026-11-20T08:00:00Z");
    await insert(message("2026-11-20T08:30:00Z"), message("2026-11-20T08:40:00Z"));
    const crashed = await runEtlCli(stack, ["--collection", "messages", "--now", "2026-11-20T09:00:00Z"], { ETL_FAULT_CRASH_AT: "partition-closed" });
    expect(crashed.signal).toBe("SIGKILL");
    const wm = await new WatermarkStore(stack.ctx.storage.table(stack.config.tables.watermarks)).read("messages");
    expect(wm.pending?.runId).toMatch(/^20261120_090000_[0-9a-f]{6}$/);

    const api = backfillApi(stack, () => new Date("2026-11-20T09:05:00Z"));
    const submitted = await api.post({ days: 1, collections: ["messages"] });
    expect(submitted.status).toBe(202);
    await drainJob(stack, submitted.body.jobId as string, { now: () => new Date("2026-11-20T09:05:00Z") });
    expect(stack.logs.some((l) => l.message.startsWith(`messages 2026-11-20: leaving raw/messages/date=2026-11-20/messages_${wm.pending!.runId}.jsonl`))).toBe(true);
    // Before the replay: the committed document once (compacted), the pending window's two in its own file.
    expectLakeMatches(await readLake(stack, "messages"), expectedByDay("messages", docs, []));

    const replay = await hourly("2026-11-20T10:00:00Z"); // waits out the dead run's lease
    expect(replay.replayed).toBe(true);
    expectLakeMatches(await readLake(stack, "messages"), expectedByDay("messages", docs, []));
  });
});
