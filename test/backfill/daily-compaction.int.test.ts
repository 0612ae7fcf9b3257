import { InvocationContext, type Timer } from "@azure/functions";
import { ObjectId, type Document } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getCollection } from "../../lib/collections/index.js";
import { compactionTimerHandler } from "../../lib/handlers/compaction-timer.js";
import { runCollection } from "../../lib/pipeline/run-collection.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";
import { drainQueue } from "../../lib/backfill/drain.js";
import { readJsonl } from "../fixtures/lake-readers.js";
import { hex } from "./fixtures.js";

describe("nightly compaction timer", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack("compact");
  });
  afterAll(async () => {
    await stack.close();
    await closeTestClients();
  });

  it("compacts yesterday's hourly files into one per zone and picks up a document inserted behind the watermark", async () => {
    const user = new ObjectId();
    const at = (iso: string): Document => ({ _id: new ObjectId(), userId: user, category: "system", createdAt: new Date(iso), studentMessage: "q", aiResponse: "a" });
    const messages = stack.db.collection("messages");
    const spec = getCollection("messages");
    const hourly = ["2026-03-20T09:10:00Z", "2026-03-20T10:10:00Z", "2026-03-20T11:10:00Z"].map(at);
    for (const [i, doc] of hourly.entries()) {
      await messages.insertOne(doc);
      await runCollection(stack.ctx, spec, { now: new Date(Date.parse("2026-03-20T09:30:00Z") + i * 3_600_000) });
    }
    expect((await stack.lakeFiles("raw", "messages")).length).toBe(3);
    // Inserted after the watermark passed its createdAt: no hourly run will ever see it.
    const late = at("2026-03-20T09:45:00Z");
    await messages.insertOne(late);

    const lines: string[] = [];
    const context = new InvocationContext({ invocationId: "c1", functionName: "etl-compact", logHandler: (_l, ...a) => lines.push(a.join(" ")) });
    const timer: Timer = { isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: "", next: "", lastUpdated: "" } };
    await compactionTimerHandler(async () => stack.ctx, () => new Date("2026-03-21T00:30:00Z"))(timer, context);
    const stats = await drainQueue(stack.ctx, {
      until: async () => (await stack.ctx.storage.queue(stack.config.queues.backfill).getProperties()).approximateMessagesCount === 0,
      retryDelaySeconds: 1,
      processingSeconds: 10,
      pollIntervalMs: 100,
    });
    expect(stats.poisoned).toBe(0);
    expect(stats.done).toBe(2); // messages × 2 days: collections without an hourly window yet are left to it
    expect(stack.logs.some((l) => l.message.includes("skipped, no committed hourly window yet"))).toBe(true);

    const raw = await stack.lakeFiles("raw", "messages");
    expect(raw).toEqual([expect.stringMatching(/^messages\/date=2026-03-20\/messages_backfill_\d{8}_\d{6}_[0-9a-f]+\.jsonl$/)]);
    expect((await stack.lakeFiles("curated", "messages")).length).toBe(1);
    const ids = (await readJsonl(stack, "raw", "messages")).map((d) => hex(d._id)).sort();
    expect(ids).toEqual([...hourly, late].map((d) => hex(d._id)).sort());
  });
});
