import { ObjectId } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobStore } from "../../lib/backfill/job-store.js";
import { getCollection } from "../../lib/collections/index.js";
import { emptySummary } from "../../lib/pipeline/summary.js";
import { runEtl } from "../../lib/pipeline/run-etl.js";
import { RunHistory } from "../../lib/state/run-history.js";
import { WatermarkStore } from "../../lib/state/watermarks.js";
import { runCliWith } from "../cli/run-cli.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";

const DAY = "2026-11-20";
const DAY_MS = 86_400_000;

describe("etl cleanup", () => {
  let stack: TestStack;
  let committed: string;
  // The clock cleanup runs at: two days after the lock blobs below are written.
  const later = new Date(Date.now() + 2 * DAY_MS).toISOString();
  const name = (collection: string, runId: string, ext: string) => `${collection}/date=${DAY}/${collection}_${runId}.${ext}`;

  async function snapshot(): Promise<string[]> {
    const out: string[] = [];
    for (const zone of ["raw", "curated", "quarantine", "locks"] as const) {
      const client = zone === "locks" ? stack.ctx.storage.stateBlobs : stack.ctx.storage.lake;
      for await (const b of client.getContainerClient(stack.config.containers[zone]).listBlobsFlat()) out.push(`${zone}/${b.name}`);
    }
    for (const table of [stack.config.tables.jobs, stack.config.tables.runs, stack.config.tables.watermarks]) {
      for await (const e of stack.ctx.storage.table(table).listEntities()) out.push(`${table}/${e.partitionKey}/${e.rowKey}`);
    }
    return out.sort();
  }

  async function plantFile(zone: "raw" | "curated", blobName: string) {
    await stack.ctx.storage.lake.getContainerClient(stack.config.containers[zone]).getBlockBlobClient(blobName).upload("x", 1);
  }

  async function failedRun(collection: string, runId: string, at: string) {
    const summary = { ...emptySummary(collection, runId, new Date(at), false), outcome: "failed" as const, error: "planted" };
    await new RunHistory(stack.ctx.storage.table(stack.config.tables.runs)).record(summary);
  }

  beforeAll(async () => {
    stack = await createTestStack("cleanup");
    const user = new ObjectId();
    await stack.db.collection("messages").insertMany(
      [1, 2, 3].map((m) => ({ _id: new ObjectId(), userId: user, category: "system", createdAt: new Date(`${DAY}T09:0${m}:00Z`) })),
    );
    const run = await runEtl(stack.ctx, { collections: [getCollection("messages")], now: new Date(`${DAY}T10:00:00Z`) });
    committed = run.summaries[0]!.runId;
    expect(committed).toMatch(/^20261120_100000_[0-9a-f]{6}$/); // window ids carry a random suffix

    // The orphan: an earlier window that failed after writing, and was never replayed under its id.
    await failedRun("messages", "20261120_090000_0a0a0a", `${DAY}T09:00:00Z`);
    await plantFile("raw", name("messages", "20261120_090000_0a0a0a", "jsonl"));
    await plantFile("curated", name("messages", "20261120_090000_0a0a0a", "parquet"));
    // A pending window (failed, not yet replayed): its files are the replay's to overwrite.
    await failedRun("messages", "20261120_110000_0b0b0b", `${DAY}T11:00:00Z`);
    await plantFile("raw", name("messages", "20261120_110000_0b0b0b", "jsonl"));
    const watermarks = new WatermarkStore(stack.ctx.storage.table(stack.config.tables.watermarks));
    const state = await watermarks.read("messages");
    await watermarks.write(state, { ...state, pending: { runId: "20261120_110000_0b0b0b", from: new Date(`${DAY}T09:58:00Z`), upper: new Date(`${DAY}T10:58:00Z`), since: new Date(`${DAY}T11:00:00Z`) } });
    // A failed window of a collection that has not committed since: it may still be replayed.
    await failedRun("actions", "20261120_100500_0c0c0c", `${DAY}T10:05:00Z`);
    await plantFile("raw", name("actions", "20261120_100500_0c0c0c", "jsonl"));
    // A file whose id no history knows (pruned, or written by hand): kept.
    await plantFile("raw", name("messages", "20261120_080000_0d0d0d", "jsonl"));
    // A backfill's file: retired by its own job, never by cleanup.
    await plantFile("curated", name("messages", "backfill_20261101_000000_abcdef", "parquet"));

    // Backfill jobs: one finished long ago (removed), one finished within retention, one still running long ago.
    const jobs = new JobStore(stack.ctx.storage.table(stack.config.tables.jobs));
    const job = (jobId: string, createdAt: Date) => ({ jobId, mode: "full" as const, collections: ["messages"], from: DAY, to: DAY, repairWatermark: false, createdAt, chunkCount: 1, watermarkChanges: [] });
    const chunk = { collection: "messages", day: DAY };
    await jobs.create(job("20260801_000000_aaaaaa", new Date(Date.now() - 120 * DAY_MS)), [chunk]);
    await jobs.updateChunk("20260801_000000_aaaaaa", chunk, { status: "done" });
    await jobs.create(job("20261110_000000_bbbbbb", new Date(Date.now() - 10 * DAY_MS)), [chunk]);
    await jobs.updateChunk("20261110_000000_bbbbbb", chunk, { status: "done" });
    await jobs.create(job("20260802_000000_cccccc", new Date(Date.now() - 119 * DAY_MS)), [chunk]);

    // Locks: a backfill day's lock nobody holds (stale two days from now), one held.
    const locks = stack.ctx.storage.stateBlobs.getContainerClient(stack.config.containers.locks);
    await locks.getBlockBlobClient("backfill-messages-2026-11-19").upload("", 0);
    await locks.getBlockBlobClient("backfill-messages-2026-11-18").upload("", 0);
    await locks.getBlockBlobClient("backfill-messages-2026-11-18").getBlobLeaseClient().acquireLease(60);
  });
  afterAll(async () => {
    await stack.close();
    await closeTestClients();
  });

  const expected = () => [
    { kind: "orphan file", target: `raw/${name("messages", "20261120_090000_0a0a0a", "jsonl")}`, why: `window 20261120_090000_0a0a0a failed and never committed; ${committed} committed after it` },
    { kind: "orphan file", target: `curated/${name("messages", "20261120_090000_0a0a0a", "parquet")}`, why: `window 20261120_090000_0a0a0a failed and never committed; ${committed} committed after it` },
    { kind: "backfill job", target: `${stack.config.tables.jobs}/20260801_000000_aaaaaa (2 rows)`, why: expect.stringMatching(/^finished, created .*, before the 90-day retention$/) },
    { kind: "lock blob", target: `${stack.config.containers.locks}/backfill-messages-2026-11-19`, why: expect.stringMatching(/^not held, untouched since /) },
  ];

  it("--dry-run lists exactly the planted orphan, expired job and stale lock, and changes nothing", async () => {
    const before = await snapshot();
    const { code, out } = await runCliWith(stack.env, ["cleanup", "--dry-run", "--json", "--now", later]);
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.dryRun).toBe(true);
    expect(report.removed).toEqual(expected());
    expect(report.kept).toMatchObject({
      "committed, pending or unknown window": 5, // committed raw + curated, pending, actions' failed, unknown id
      "backfill, compaction or rewrite file (retired by its job)": 1,
      "backfill job within retention": 1,
      "backfill job still running": 1,
      "lock held": 1,
      "collection lock (reused every hour)": 1,
    });
    expect(await snapshot()).toEqual(before);
  });

  it("removes exactly those, prints each, and finds nothing the second time", async () => {
    const before = await snapshot();
    const { code, out } = await runCliWith(stack.env, ["cleanup", "--now", later]);
    expect(code).toBe(0);
    expect(out).toContain(`removed  orphan file   raw/${name("messages", "20261120_090000_0a0a0a", "jsonl")}`);
    expect(out).toContain("4 removed; kept:");
    const gone = [
      `raw/${name("messages", "20261120_090000_0a0a0a", "jsonl")}`,
      `curated/${name("messages", "20261120_090000_0a0a0a", "parquet")}`,
      `${stack.config.tables.jobs}/20260801_000000_aaaaaa/job`,
      `${stack.config.tables.jobs}/20260801_000000_aaaaaa/chunk_messages_${DAY}`,
      "locks/backfill-messages-2026-11-19",
    ];
    for (const g of gone) expect(before).toContain(g);
    expect(await snapshot()).toEqual(before.filter((b) => !gone.includes(b)));

    const again = await runCliWith(stack.env, ["cleanup", "--now", later]);
    expect(again.out).toMatch(/^nothing to remove\n/);
  });
});
