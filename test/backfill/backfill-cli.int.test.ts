import { ObjectId, type Document } from "mongodb";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { chunkFileId } from "../../lib/backfill/plan.js";
import { getCollection } from "../../lib/collections/index.js";
import { runCollection } from "../../lib/pipeline/run-collection.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";
import { backfillApi, drainJob, expectCompacted, expectedByDay, expectLakeMatches, readLake, runEtlCli } from "./fixtures.js";

const NOW = "2026-11-20T12:00:00Z";
const DAYS = ["2026-11-18", "2026-11-19", "2026-11-20"];

function messagesOver3Days(count: number): Document[] {
  const user = new ObjectId();
  return Array.from({ length: count }, (_, i) => ({
    _id: new ObjectId(),
    userId: i % 2 ? user : user.toHexString(),
    category: "question",
    createdAt: new Date(Date.parse("2026-11-18T00:00:00Z") + i * 3_600_000 * 0.9),
    studentMessage: "Why is the sky blue?",
    aiResponse: "Rayleigh scattering makes shorter blue wavelengths scatter more in the atmosphere.",
    ...(i % 10 === 0 ? { rating: "bad" } : {}), // some quarantine traffic too
  }));
}

const jobIdIn = (output: string) => /Backfill job (\d{8}_\d{6}_[0-9a-f]{6})/.exec(output)?.[1];

describe("backfill from the CLI", () => {
  let stack: TestStack;
  let docs: Document[];
  beforeEach(async () => {
    stack = await createTestStack("bfcli");
    docs = messagesOver3Days(60);
    await stack.db.collection("messages").insertMany(docs);
    // Two hourly windows, so days hold several files to compact.
    for (const at of ["2026-11-19T06:00:00Z", NOW]) await runCollection(stack.ctx, getCollection("messages"), { now: new Date(at) });
    await runCollection(stack.ctx, getCollection("actions"), { now: new Date(NOW) }); // only hourly runs create watermarks
  });
  afterEach(async () => stack.close());
  afterAll(closeTestClients);

  it("runs the job in-process, printing progress, and exits 0", async () => {
    const run = await runEtlCli(stack, ["backfill", "--days", "3", "--collection", "messages", "--collection", "actions", "--now", NOW]);
    expect(run.code, run.output).toBe(0);
    const jobId = jobIdIn(run.output)!;
    expect(run.output).toContain(`Backfill job ${jobId}: 6 chunks; draining the queue here`);
    expect(run.output).toMatch(/\[6\/6\] \w+ 2026-11-\d\d: \d+ docs \(curated \d+, quarantined \d+\) in \d+\.\ds/);
    expect(run.output).toMatch(new RegExp(`Backfill ${jobId} done: 6/6 chunks done, 60 documents in`));
    const lake = await readLake(stack, "messages");
    expectLakeMatches(lake, expectedByDay("messages", docs, []));
    expectCompacted(lake, DAYS, chunkFileId("full", jobId));
  });

  it("refuses a bad range before touching anything, exit code 2", async () => {
    const run = await runEtlCli(stack, ["backfill", "--from", "2026-11-22", "--to", "2026-11-21", "--now", NOW]);
    expect(run.code).toBe(2);
    expect((await stack.ctx.storage.queue(stack.config.queues.backfill).getProperties()).approximateMessagesCount).toBe(0);
    expect(run.output).toContain("backfill: from 2026-11-22 is after to 2026-11-21: the range is reversed");
    expect(run.output).toContain("backfill: to 2026-11-21 is in the future: the latest day a backfill can rebuild is today, 2026-11-20 (UTC)");
  });

  it.each(["backfill-written:2", "backfill-retired:1"])(
    "a worker killed at %s is retried and leaves every document exactly once, compacted",
    async (point) => {
      const crashed = await runEtlCli(stack, ["backfill", "--days", "3", "--collection", "messages", "--now", NOW], { ETL_FAULT_CRASH_AT: point });
      expect(crashed.signal, crashed.output).toBe("SIGKILL");
      const jobId = jobIdIn(crashed.output)!;
      const api = backfillApi(stack, () => new Date(NOW));
      expect((await api.job(jobId)).status).toBe("running");

      // Another worker (here an in-process drain, in Azure the host) picks the chunk up again once
      // its message reappears and the dead worker's lock expires.
      await drainJob(stack, jobId, { now: () => new Date(NOW) });
      const job = await api.job(jobId);
      expect(job.status).toBe("done");
      expect(job.chunks.some((c) => c.attempts === 2)).toBe(true);
      const lake = await readLake(stack, "messages");
      expectLakeMatches(lake, expectedByDay("messages", docs, []));
      expectCompacted(lake, DAYS, chunkFileId("full", jobId));
    },
  );
});
