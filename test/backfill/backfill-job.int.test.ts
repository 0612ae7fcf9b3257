import { ObjectId, type Document } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestDays } from "../../lib/backfill/request.js";
import { chunkFileId } from "../../lib/backfill/plan.js";
import { collectionNames } from "../../lib/collections/index.js";
import { runEtl } from "../../lib/pipeline/run-etl.js";
import { generateDataset, insertDataset, type Dataset } from "../../scripts/generate/dataset.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";
import { backfillApi, drainJob, expectCompacted, expectedByDay, expectLakeMatches, readLake } from "./fixtures.js";

const NOW = new Date("2026-11-20T12:00:00Z");

describe("a 10-day backfill of all six collections", () => {
  let stack: TestStack;
  let data: Dataset;
  let missed: Record<string, Document[]>;

  beforeAll(async () => {
    stack = await createTestStack("bfjob");
    data = generateDataset({ from: new Date("2026-11-11T00:00:00Z"), to: new Date("2026-11-20T11:00:00Z"), messages: 600, actions: 300 });
    await insertDataset(stack.db, data);
    // Hourly runs at three moments, so most days hold several files.
    for (const at of ["2026-11-14T06:00:00Z", "2026-11-17T18:00:00Z", NOW.toISOString()]) {
      const run = await runEtl(stack.ctx, { now: new Date(at) });
      expect(run.failed).toEqual([]);
    }
    // An outage: documents inserted late with createdAt behind the watermark; no hourly run sees them.
    const student = data.studentIds[0]!;
    missed = {
      messages: ["2026-11-13T09:00:00Z", "2026-11-16T23:59:59Z"].map((t) => ({
        _id: new ObjectId(), userId: student, category: "question", createdAt: new Date(t), studentMessage: "What is osmosis?", aiResponse: "Osmosis is the movement of water across a membrane.",
      })),
      actions: [{ _id: new ObjectId(), userId: student, createdAt: new Date("2026-11-12T01:00:00Z"), type: "login" }],
    };
    for (const [name, docs] of Object.entries(missed)) await stack.db.collection(name).insertMany(docs);
  });
  afterAll(async () => {
    await stack.close();
    await closeTestClients();
  });

  it("completes every chunk and leaves each day equal to MongoDB, compacted into one file per zone", async () => {
    const before = await readLake(stack, "messages");
    expect(Object.values(before.files.raw).some((names) => names.length > 1)).toBe(true);
    expect(Object.values(before.raw).flat()).not.toContain(missed.messages![0]!._id.toHexString());

    const api = backfillApi(stack, () => NOW);
    const submitted = await api.post({ days: 10 });
    expect(submitted.status).toBe(202);
    const jobId = submitted.body.jobId as string;
    expect(submitted.body).toMatchObject({ chunks: 60, mode: "full", from: "2026-11-11", to: "2026-11-20", collections: collectionNames, watermarkChanges: [] });
    expect(submitted.body.statusUrl).toBe(`http://localhost:7071/api/backfill/${jobId}`);
    expect(submitted.headers.location).toBe(submitted.body.statusUrl);
    expect((await api.job(jobId)).status).toBe("queued");

    const started = Date.now();
    const stats = await drainJob(stack, jobId, { concurrency: 4, now: () => NOW });
    const seconds = (Date.now() - started) / 1000;
    console.log(`[figures] 10-day x 6-collection job: 60 chunks in ${seconds.toFixed(1)} s (${(60 / seconds).toFixed(1)} chunks/s, 4 lanes)`);
    expect(stats).toMatchObject({ done: 60, failedAttempts: 0, poisoned: 0 });

    const job = await api.job(jobId);
    expect(job.status).toBe("done");
    expect(job.counts).toEqual({ pending: 0, running: 0, retrying: 0, done: 60, failed: 0 });
    expect(job.chunks).toHaveLength(60);
    expect(job.chunks.every((c) => c.status === "done" && c.attempts === 1 && c.startedAt && c.endedAt)).toBe(true);
    expect(job.startedAt && job.endedAt && job.startedAt <= job.endedAt).toBe(true);

    const days = requestDays({ from: "2026-11-11", to: "2026-11-20" });
    let documents = 0;
    for (const name of collectionNames) {
      const docs = [...(data[name as keyof Dataset] as Document[]), ...(missed[name] ?? [])];
      const expected = expectedByDay(name, docs, data.testerIds);
      const lake = await readLake(stack, name);
      expectLakeMatches(lake, expected);
      expectCompacted(lake, days, chunkFileId("full", jobId));
      documents += Object.values(expected.raw).flat().length + Object.values(expected.untimed).flat().length;
      const perDay = job.chunks.filter((c) => c.collection === name).map((c) => [c.day, c.documents]);
      expect(Object.fromEntries(perDay)).toEqual(
        Object.fromEntries(days.map((d) => [d, (expected.raw[d]?.length ?? 0) + (expected.untimed[d]?.length ?? 0)])),
      );
    }
    expect(job.documents).toBe(documents);
    for (const docs of Object.values(missed)) {
      const lake = await readLake(stack, docs === missed.messages ? "messages" : "actions");
      for (const d of docs) expect(Object.values(lake.raw).flat()).toContain(d._id.toHexString());
    }

    // The hourly run after the backfill adds nothing twice.
    const after = await runEtl(stack.ctx, { now: new Date("2026-11-20T13:00:00Z") });
    expect(after.documents).toBe(0);
    expectLakeMatches(await readLake(stack, "messages"), expectedByDay("messages", [...data.messages, ...missed.messages!], data.testerIds));
  });
});
