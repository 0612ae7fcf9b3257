import { InvocationContext } from "@azure/functions";
import { ObjectId } from "mongodb";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseChunkMessage } from "../../lib/backfill/chunk-message.js";
import { poisonQueueName, queueSettings } from "../../lib/backfill/queue-settings.js";
import { getCollection } from "../../lib/collections/index.js";
import { backfillPoisonHandler, backfillWorkerHandler } from "../../lib/handlers/backfill-queue.js";
import { runCollection } from "../../lib/pipeline/run-collection.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";
import { backfillApi, drainJob } from "./fixtures.js";

const NOW = new Date("2026-11-20T12:00:00Z");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("failing chunks", () => {
  let stack: TestStack;
  let api: ReturnType<typeof backfillApi>;
  beforeEach(async () => {
    stack = await createTestStack("bfpoison");
    api = backfillApi(stack, () => NOW);
    await stack.db.collection("messages").insertOne({ _id: new ObjectId(), userId: new ObjectId(), category: "system", createdAt: new Date("2026-11-20T08:00:00Z") });
    await runCollection(stack.ctx, getCollection("messages"), { now: NOW });
  });
  afterEach(async () => stack.close());
  afterAll(closeTestClients);

  const queue = () => stack.ctx.storage.queue(stack.config.queues.backfill);
  const poison = () => stack.ctx.storage.queue(poisonQueueName(stack.config.queues.backfill));
  /** A broken watermark row: every chunk of the collection fails, with an actionable reason. */
  const breakWatermark = () =>
    stack.ctx.storage
      .table(stack.config.tables.watermarks)
      .updateEntity({ partitionKey: "watermark", rowKey: "messages", lastCreatedAt: "yesterday" }, "Merge");

  it("retries a chunk that always fails, then moves it to the poison queue and shows it failed with the reason", async () => {
    const submitted = await api.post({ days: 2, collections: ["messages"] });
    const jobId = submitted.body.jobId as string;
    await breakWatermark();

    // One attempt: the chunk waits for its retry, with the reason shown.
    let failedOnce = false;
    await drainJob(stack, jobId, { concurrency: 1, maxDequeueCount: 3, onEvent: (e) => void (failedOnce ||= e.kind === "failed"), until: async () => failedOnce });
    const waiting = await api.job(jobId);
    expect(waiting.status).toBe("running");
    const retrying = waiting.chunks.find((c) => c.status === "retrying")!;
    expect(retrying).toMatchObject({ attempts: 1 });
    expect(retrying.error).toContain("Watermark row messages in table");

    const stats = await drainJob(stack, jobId, { maxDequeueCount: 3 });
    expect(stats.poisoned).toBe(2);
    const job = await api.job(jobId);
    expect(job.status).toBe("failed");
    expect(job.counts).toMatchObject({ done: 0, failed: 2 });
    expect(job.failures.map((f) => [f.day, f.attempts])).toEqual([
      ["2026-11-19", 3],
      ["2026-11-20", 3],
    ]);
    for (const f of job.failures) {
      expect(f.error).toMatch(/^Watermark row messages in table \w+ is malformed \(.+\); the collection does not run until it is fixed\. .*Do not delete the row/);
    }
    expect((await queue().peekMessages()).peekedMessageItems).toHaveLength(0);
    const poisoned = (await poison().peekMessages({ numberOfMessages: 10 })).peekedMessageItems.map((m) => parseChunkMessage(m.messageText).day);
    expect(poisoned.sort()).toEqual(["2026-11-19", "2026-11-20"]);
  });

  it("marks a chunk failed when its worker died on every attempt (no error recorded)", async () => {
    const submitted = await api.post({ days: 1, collections: ["messages"] });
    const jobId = submitted.body.jobId as string;
    // Two deliveries whose workers vanished: received, never deleted, never recorded.
    for (let i = 0; i < 2; i++) {
      expect((await queue().receiveMessages({ visibilityTimeout: 1 })).receivedMessageItems).toHaveLength(1);
      await sleep(1_200);
    }
    const stats = await drainJob(stack, jobId, { maxDequeueCount: 2 });
    expect(stats).toMatchObject({ attempts: 0, poisoned: 1 });
    const job = await api.job(jobId);
    expect(job.failures).toEqual([
      {
        collection: "messages",
        day: "2026-11-20",
        attempts: 2,
        error: "moved to the poison queue after 2 attempts: the worker stopped without recording an error (killed, out of memory or past functionTimeout)",
      },
    ]);
  });

  it("in the Functions host: the last attempt marks the chunk failed, and the poison trigger keeps that reason", async () => {
    const submitted = await api.post({ days: 1, collections: ["messages"] });
    const jobId = submitted.body.jobId as string;
    await breakWatermark();
    const [item] = (await queue().receiveMessages()).receivedMessageItems;
    const entry = JSON.parse(item!.messageText) as unknown; // the host hands JSON messages over parsed
    const worker = backfillWorkerHandler(async () => stack.ctx);
    const invocation = (dequeueCount: number) =>
      new InvocationContext({ invocationId: `w${dequeueCount}`, functionName: "backfill-worker", triggerMetadata: { dequeueCount }, logHandler: () => undefined });

    await expect(worker(entry, invocation(1))).rejects.toThrow(/is malformed/);
    expect((await api.job(jobId)).chunks[0]).toMatchObject({ status: "retrying", attempts: 1 });
    await expect(worker(entry, invocation(queueSettings.maxDequeueCount))).rejects.toThrow(/is malformed/);
    const failed = (await api.job(jobId)).chunks[0]!;
    expect(failed).toMatchObject({ status: "failed", attempts: queueSettings.maxDequeueCount });

    // The host then moves the message to the poison queue, which triggers backfill-poison.
    await backfillPoisonHandler(async () => stack.ctx)(entry, new InvocationContext({ invocationId: "p", functionName: "backfill-poison", logHandler: () => undefined }));
    const job = await api.job(jobId);
    expect(job.status).toBe("failed");
    expect(job.failures[0]!.error).toBe(failed.error);
  });
});
