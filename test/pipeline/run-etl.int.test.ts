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

  it("--dry-run counts what it would extract and writes nothing", async () => {
    const result = await runEtl(stack.ctx, { now, dryRun: true });
    const testers = new Set(data.testerIds.map(hex));
    const messages = result.summaries.find((s) => s.collection === "messages")!;
    expect(messages.extracted).toBe(data.messages.filter((m) => !testers.has(hex(m.userId))).length);
    for (const zone of ["raw", "curated", "quarantine"] as const) expect(await stack.lakeFiles(zone, "messages")).toEqual([]);
    const watermarks = stack.ctx.storage.table(stack.config.tables.watermarks).listEntities();
    expect((await watermarks.next()).done).toBe(true);
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

    // Every collection: curated ids equal MongoDB's minus testers and quarantined docs, with declared types.
    for (const name of ["profiles", "actions", "paths", "tasks", "errorlogs"] as const) {
      const source = data[name].filter((d) => d.createdAt instanceof Date);
      const excluded = (d: (typeof source)[number]) =>
        name === "profiles" ? testers.has(hex(d._id)) : name !== "errorlogs" && testers.has(hex(d.userId));
      const broken = new Set(data.brokenIds[name]!.map(hex));
      const expected = source.filter((d) => !excluded(d) && !broken.has(hex(d._id))).map((d) => hex(d._id)).sort();
      const curated = await readCurated(stack, name);
      expect(curated.rows.map((r) => String(r.id)).sort(), name).toEqual(expected);
      expect(curated.types.created_at, name).toBe("TIMESTAMP");
      expect(curated.types.extra_json, name).toBe("VARCHAR");
    }
    const tasks = await readCurated(stack, "tasks");
    expect(tasks.types).toMatchObject({ position: "BIGINT", estimated_minutes: "DOUBLE", due_at: "TIMESTAMP" });
    const paths = await readCurated(stack, "paths");
    expect(paths.types).toMatchObject({ progress: "DOUBLE", task_count: "BIGINT", steps: "VARCHAR" });
    expect(JSON.parse(String(paths.rows[0]!.steps))).toEqual(expect.arrayContaining([expect.objectContaining({ title: "Step 1" })]));
    const profilesCurated = await readCurated(stack, "profiles");
    expect(profilesCurated.types.onboarding_completed).toBe("BOOLEAN");

    const lines = stack.logs.map((l) => l.message);
    expect(lines).toContain(`ETL run: ${result.runId}`);
    expect(lines).toContain(`MongoDB: ${stack.config.mongo.database}`);
    expect(lines).toContain(`Excluding ${data.testerIds.length} tester/archived profiles`);
    expect(lines.some((l) => /^messages \(since /.test(l))).toBe(true);
    expect(lines.some((l) => /raw: \d+ docs → raw\/messages\/date=2026-11-1\d\/messages_20261120_120000_[0-9a-f]{6}\.jsonl/.test(l))).toBe(true);
    expect(lines).toContain(`Done: ${result.documents} documents across ${collections.length} collections`);
  });
});
