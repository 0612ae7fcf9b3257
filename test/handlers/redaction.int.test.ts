import { HttpRequest, InvocationContext, type Timer } from "@azure/functions";
import { MongoServerError, ObjectId } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processChunkMessage } from "../../lib/backfill/run-chunk.js";
import { getCollection } from "../../lib/collections/index.js";
import { etlTimerHandler } from "../../lib/handlers/etl-timer.js";
import { healthHandler } from "../../lib/handlers/health.js";
import { invocationLogger } from "../../lib/handlers/runtime.js";
import { createEtlContext } from "../../lib/pipeline/context.js";
import { runCollection } from "../../lib/pipeline/run-collection.js";
import { RunHistory } from "../../lib/state/run-history.js";
import { backfillApi } from "../backfill/fixtures.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";

const timer: Timer = { isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: "", next: "", lastUpdated: "" } };

function invocation(lines: string[], functionName = "etl-actions") {
  return new InvocationContext({ invocationId: "inv-r", functionName, logHandler: (level, ...args) => lines.push(`${level} ${args.join(" ")}`) });
}

describe("secrets and document text at every sink (real stack)", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack("redact");
  });
  afterAll(async () => {
    await stack.close();
    await closeTestClients();
  });

  it("a password with an unencoded @ reaches no log line, thrown error, run history row or health body", async () => {
    // As an older version let it through config: the driver reads the password's tail as a host.
    const uri = "mongodb://etl:2Secret@tailhost@127.0.0.1:1/?serverSelectionTimeoutMS=500";
    const config = { ...stack.config, mongo: { ...stack.config.mongo, uri } };
    const lines: string[] = [];
    const handler = etlTimerHandler("actions", async (context) => createEtlContext(config, invocationLogger(context)));
    const thrown = await handler(timer, invocation(lines)).then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    expect(thrown?.message).toMatch(/^ETL actions failed \(run \d{8}_\d{6}_[0-9a-f]{6}\): MongoDB connection failed \(MongoDB \(MONGODB_URI does not parse/);

    const history = await new RunHistory(stack.ctx.storage.table(stack.config.tables.runs)).latest("actions");
    expect(history.map((r) => r.outcome)).toEqual(["failed"]);
    const health = await healthHandler(async () => stack.ctx)(
      new HttpRequest({ method: "GET", url: "http://localhost:7071/api/health?collection=actions" }),
      invocation(lines, "health"),
    );
    expect(JSON.stringify(health.jsonBody)).toContain("MongoDB connection failed");

    const everything = [thrown?.message, thrown?.stack, ...lines, JSON.stringify(history), JSON.stringify(health.jsonBody)].join("\n");
    for (const secret of ["2Secret", "tailhost"]) expect(everything).not.toContain(secret);
  });

  it("chunk errors in the jobs table and in GET /api/backfill/{jobId} are redacted, driver text is fixed", async () => {
    const now = new Date("2026-11-20T12:00:00Z");
    await stack.db.collection("messages").insertOne({ _id: new ObjectId(), userId: new ObjectId(), category: "system", createdAt: new Date("2026-11-20T08:00:00Z") });
    await runCollection(stack.ctx, getCollection("messages"), { now });
    const api = backfillApi(stack, () => now);
    const jobId = (await api.post({ days: 2, collections: ["messages"] })).body.jobId as string;

    const failures = [
      new Error("PUT https://lake.blob.core.windows.net/curated/x.parquet?sv=2024-08-04&sig=ChunkSig123%3D failed; AccountKey=ChunkKey456==;"),
      new MongoServerError({ message: "Regular expression is invalid: /987-65-4321/", code: 51091, codeName: "Location51091" }),
    ];
    const queue = stack.ctx.storage.queue(stack.config.queues.backfill);
    const received = (await queue.receiveMessages({ numberOfMessages: 2 })).receivedMessageItems;
    expect(received).toHaveLength(2);
    for (const [i, item] of received.entries()) {
      const attempt = { dequeueCount: 1, maxDequeueCount: 1, now, hooks: { afterListing: () => Promise.reject(failures[i]) } };
      await expect(processChunkMessage(stack.ctx, item.messageText, attempt)).rejects.toBe(failures[i]);
    }

    const job = await api.job(jobId);
    expect(job.status).toBe("failed");
    const errors = job.failures.map((f) => f.error).sort();
    expect(errors).toEqual([
      "MongoDB server error Location51091 (code 51091); the server's message is not logged as it can quote documents",
      "PUT https://lake.blob.core.windows.net/curated/x.parquet?sv=2024-08-04&sig=*** failed; AccountKey=***",
    ]);
    const rows: unknown[] = [];
    for await (const row of stack.ctx.storage.table(stack.config.tables.jobs).listEntities()) rows.push(row);
    const stored = JSON.stringify(rows) + JSON.stringify(job) + stack.logs.map((l) => `${l.message} ${JSON.stringify(l.fields)}`).join("\n");
    for (const secret of ["ChunkSig123", "ChunkKey456", "987-65-4321"]) expect(stored).not.toContain(secret);
  });
});
