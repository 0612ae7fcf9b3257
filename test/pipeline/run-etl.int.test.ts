import { ObjectId } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collections } from "../../lib/collections/index.js";
import { runEtl } from "../../lib/pipeline/run-etl.js";
import { generateDataset, insertDataset, type Dataset } from "../../scripts/generate/dataset.js";
import { readCurated, readJsonl } from "../fixtures/lake-readers.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";

const hex = (id: unknown) => (id instanceof ObjectId ? id.toHexString() : String(id));

describe("hourly ETL over all six collections", () => {
  let stack: TestStack;
  let data: Dataset;
  const now = new Date("2026-11-20T12:00:00Z");

  beforeAll(async () => {
    stack = await createTestStack("etl");
    data = generateDataset({ from: new Date("2026-11-17T00:00:00Z"), to: new Date("2026-11-20T11:00:00Z"), messages: 400 });
    await insertDataset(stack.db, data);
  });
  afterAll(async () => {
    await stack.close();
    await closeTestClients();
  });

  it("lands every non-tester document once in raw and curated, typed, and logs the seed's shape", async () => {
    const result = await runEtl(stack.ctx, { now });
    expect(result.failed).toEqual([]);
    const messages = result.summaries.find((s) => s.collection === "messages")!;
    const testers = new Set(data.testerIds.map(hex));
    const expectedMessages = data.messages.filter((m) => !testers.has(hex(m.userId)) && m.createdAt instanceof Date);
    expect(messages.rawRows).toBe(expectedMessages.length);

    const raw = await readJsonl(stack, "raw", "messages");
    expect(raw.map((d) => hex(d._id)).sort()).toEqual(expectedMessages.map((d) => hex(d._id)).sort());

    const { rows, types } = await readCurated(stack, "messages");
    const quarantinedIds = new Set(data.brokenIds.messages!.map(hex));
    expect(rows.map((r) => r.id).sort()).toEqual(expectedMessages.map((d) => hex(d._id)).filter((id) => !quarantinedIds.has(id)).sort());
    expect(types.created_at).toBe("TIMESTAMP");
    expect(types.rating).toBe("BIGINT");
    expect(types.flagged).toBe("BOOLEAN");
    expect(types.id).toBe("VARCHAR");
    expect(rows.every((r) => !testers.has(String(r.user_id)))).toBe(true);

    const lines = stack.logs.map((l) => l.message);
    expect(lines).toContain(`ETL run: ${result.runId}`);
    expect(lines).toContain(`MongoDB: ${stack.config.mongo.database}`);
    expect(lines).toContain(`Excluding ${data.testerIds.length} tester/archived profiles`);
    expect(lines.some((l) => /^messages \(since /.test(l))).toBe(true);
    expect(lines.some((l) => /raw: \d+ docs → raw\/messages\/date=2026-11-1\d\/messages_20261120_120000\.jsonl/.test(l))).toBe(true);
    expect(lines).toContain(`Done: ${result.documents} documents across ${collections.length} collections`);
  });
});
