import { ObjectId, type Document } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runEtl } from "../../lib/pipeline/run-etl.js";
import { TOMBSTONE_FIELD } from "../../lib/rewrite/index.js";
import { runCliWith } from "../cli/run-cli.js";
import { readCurated, readJsonl } from "../fixtures/lake-readers.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";

const hex = (id: unknown) => (id instanceof ObjectId ? id.toHexString() : String(id));
const NOW = "2026-03-21T12:00:00Z";
const T = Date.parse(NOW);
const H = 3_600_000;

function messages(count: number, fromMs: number): Document[] {
  return Array.from({ length: count }, (_, i) => {
    const createdAt = new Date(fromMs + i * H);
    return { _id: ObjectId.createFromTime(createdAt.getTime() / 1000 + i), userId: new ObjectId(), category: "system", createdAt, studentMessage: "q", aiResponse: "a" };
  });
}

describe("reconcile", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack("reconcile");
  });
  afterAll(async () => {
    await stack.close();
    await closeTestClients();
  });

  it("applies 10 deletes with tombstones, loads a missing document, drops a duplicate, prints the table and exits 1; then 0", async () => {
    const docs = messages(30, T - 30 * H);
    const col = stack.db.collection("messages");
    await col.insertMany(docs);
    await runEtl(stack.ctx, { now: new Date(NOW) });

    const deleted = docs.filter((_, i) => i % 3 === 0); // 10 deletes across both days
    await col.deleteMany({ _id: { $in: deleted.map((d) => d._id) } });
    const late = { ...messages(1, T - 26 * H + 60_000)[0]!, _id: ObjectId.createFromTime((T - 26 * H) / 1000 + 77) }; // behind the watermark
    await col.insertOne(late);
    // A curated file left twice (a copy a crashed swap could leave): every row of that day doubled.
    const curatedFiles = await stack.lakeFiles("curated", "messages");
    const curated = stack.ctx.storage.lake.getContainerClient(stack.config.containers.curated);
    const copy = curatedFiles[0]!.replace(/\.parquet$/, "_copy.parquet");
    await curated.getBlockBlobClient(copy).syncCopyFromURL(curated.getBlobClient(curatedFiles[0]!).url).catch(async () => {
      const body = await curated.getBlobClient(curatedFiles[0]!).downloadToBuffer();
      await curated.getBlockBlobClient(copy).uploadData(body);
    });

    const first = await runCliWith(stack.env, ["reconcile", "--days", "3", "--collection", "messages", "--now", NOW]);
    expect(first.code, first.err).toBe(1);
    expect(first.out).toMatch(/^collection\s+day\s+mongo\s+curated\s+missing\s+extra\s+duplicates\s+repaired/);
    const lines = first.out.trim().split("\n").slice(1).map((l) => l.split(/\s+/));
    expect(lines.reduce((n, l) => n + Number(l[5]), 0)).toBe(10);
    expect(lines.reduce((n, l) => n + Number(l[4]), 0)).toBe(1);
    expect(lines.reduce((n, l) => n + Number(l[6]), 0)).toBeGreaterThan(0);

    const live = [...docs.filter((d) => !deleted.includes(d)), late].map((d) => hex(d._id)).sort();
    const rows = (await readCurated(stack, "messages")).rows.map((r) => String(r.id)).sort();
    expect(rows).toEqual(live);
    const tombstones = (await readJsonl(stack, "raw", "messages")).filter((d) => d[TOMBSTONE_FIELD]);
    expect(tombstones.map((t) => hex(t._id)).sort()).toEqual(deleted.map((d) => hex(d._id)).sort());
    expect(tombstones.every((t) => t[TOMBSTONE_FIELD].reason === "deleted")).toBe(true);

    const second = await runCliWith(stack.env, ["reconcile", "--days", "3", "--collection", "messages", "--now", NOW]);
    expect(second.code, second.out).toBe(0);
    expect((await readCurated(stack, "messages")).rows.map((r) => String(r.id)).sort()).toEqual(live);
  });
});
