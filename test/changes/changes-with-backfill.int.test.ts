import { ObjectId, type Document } from "mongodb";
import { afterAll, beforeEach, afterEach, describe, expect, it } from "vitest";
import { dailyCompactionRequest } from "../../lib/backfill/daily-compaction.js";
import { getCollection } from "../../lib/collections/index.js";
import { runEtl } from "../../lib/pipeline/run-etl.js";
import { backfillRequest, runBackfill } from "../backfill/fixtures.js";
import { readCurated, readJsonl } from "../fixtures/lake-readers.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";

const hex = (id: unknown) => (id instanceof ObjectId ? id.toHexString() : String(id));
const NOW = Date.parse("2026-03-21T12:00:00Z");
const H = 3_600_000;
const dayOf = (row: Record<string, unknown>) => (row.date instanceof Date ? row.date.toISOString().slice(0, 10) : String(row.date));

function messages(fromMs: number, count: number): Document[] {
  return Array.from({ length: count }, (_, i) => {
    const createdAt = new Date(fromMs + i * 1.5 * H);
    return { _id: ObjectId.createFromTime(createdAt.getTime() / 1000 + i), userId: new ObjectId(), category: "system", createdAt, updatedAt: createdAt, studentMessage: "q", aiResponse: "a" };
  });
}

const runMessages = (stack: TestStack, ms: number) => runEtl(stack.ctx, { collections: [getCollection("messages")], now: new Date(ms) });

async function expectOnce(stack: TestStack, docs: Document[]) {
  const rows = (await readCurated(stack, "messages")).rows;
  expect(rows.map((r) => String(r.id)).sort()).toEqual(docs.map((d) => hex(d._id)).sort());
  return rows;
}

describe("change capture beside backfills and the compaction", () => {
  let stack: TestStack;
  beforeEach(async () => {
    stack = await createTestStack("chgbf");
  });
  afterEach(async () => stack.close());
  afterAll(closeTestClients);

  it("a change pass running while a backfill rebuilds the same day leaves each document once, with its change", async () => {
    const docs = messages(NOW - 30 * H, 12); // 2026-03-20 and 21
    await stack.db.collection("messages").insertMany(docs);
    await runMessages(stack, NOW);
    const changed = docs[2]!;
    await stack.db.collection("messages").updateOne({ _id: changed._id }, { $set: { rating: 2, updatedAt: new Date(NOW + 5 * 60_000) } });

    let pass: Promise<unknown> | undefined;
    await runBackfill(stack, backfillRequest({ collections: ["messages"], from: "2026-03-20", to: "2026-03-20" }, new Date(NOW + H)), new Date(NOW + H), {
      afterSnapshot: async () => {
        // The hourly run starts while the chunk holds the day: its change pass waits for the partition.
        pass ??= runMessages(stack, NOW + H);
        await new Promise((r) => setTimeout(r, 1_500));
      },
    });
    await pass;
    const rows = await expectOnce(stack, docs);
    expect(rows.find((r) => r.id === hex(changed._id))!.rating).toBe(2n);
    const raw = (await readJsonl(stack, "raw", "messages")).map((d) => `${hex(d._id)}@${(d.updatedAt as Date).toISOString()}`);
    expect(new Set(raw).size).toBe(raw.length);
  });

  it("a createdAt moved before and after the nightly compaction ends once, on its new day", async () => {
    const docs = messages(NOW - 30 * H, 12);
    await stack.db.collection("messages").insertMany(docs);
    await runMessages(stack, NOW);
    const [a, b] = [docs[1]!, docs[10]!]; // 2026-03-20 → 19, 2026-03-21 → 20
    await stack.db.collection("messages").updateOne({ _id: a._id }, { $set: { createdAt: new Date("2026-03-19T10:00:00Z"), updatedAt: new Date(NOW + 60_000) } });
    // Compaction of 19 and 20 before the change pass saw the move.
    await runBackfill(stack, backfillRequest({ collections: ["messages"], from: "2026-03-19", to: "2026-03-20" }, new Date(NOW + H)), new Date(NOW + H));
    await runMessages(stack, NOW + H);
    let rows = await expectOnce(stack, docs);
    expect(dayOf(rows.find((r) => r.id === hex(a._id))!)).toBe("2026-03-19");

    // Compaction first, then a move out of a compacted day.
    await runBackfill(stack, { ...dailyCompactionRequest(new Date("2026-03-22T00:30:00Z")), collections: ["messages"] }, new Date(NOW + 2 * H));
    await stack.db.collection("messages").updateOne({ _id: b._id }, { $set: { createdAt: new Date("2026-03-20T03:00:00Z"), updatedAt: new Date(NOW + 2 * H + 60_000) } });
    await runMessages(stack, NOW + 3 * H);
    rows = await expectOnce(stack, docs);
    expect(dayOf(rows.find((r) => r.id === hex(b._id))!)).toBe("2026-03-20");
    expect(dayOf(rows.find((r) => r.id === hex(a._id))!)).toBe("2026-03-19");
  });
});
