import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { ObjectId } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: plain JavaScript build script, no declarations
import { buildCli } from "../../scripts/build-cli.mjs";
import { readCurated } from "../fixtures/lake-readers.js";
import { createTestStack, type TestStack } from "../fixtures/stack.js";

// Inside the repository (.local is git-ignored), so the bundle resolves node_modules as dist/cli does.
const outdir = resolve(".local", `cli-bundle-run-${process.pid}`);
let bin = "";
let stack: TestStack;

describe("the bundled campus-etl bin on the local stack", { timeout: 180_000 }, () => {
  beforeAll(async () => {
    bin = (await buildCli(outdir)) as string;
    stack = await createTestStack("bundlerun");
  }, 180_000);
  afterAll(async () => {
    rmSync(outdir, { recursive: true, force: true });
    await stack?.close();
  });

  it("writes curated Parquet that DuckDB reads back, with parquetjs's Buffer calls modernised (no DEP0005 warning)", async () => {
    const base = Date.now() - 3_600_000;
    const docs = Array.from({ length: 40 }, (_, i) => {
      const createdAt = new Date(base + i * 1000);
      return {
        _id: ObjectId.createFromTime(Math.floor(createdAt.getTime() / 1000)),
        userId: new ObjectId(),
        category: "question",
        studentMessage: `How do enzymes work, part ${i}?`,
        aiResponse: `Enzymes lower the activation energy (${i}).`,
        createdAt,
        respondedAt: new Date(createdAt.getTime() + 2000),
        rating: 1 + (i % 5),
      };
    });
    await stack.db.collection("messages").insertMany(docs);
    const { PATH, HOME } = process.env;
    const run = spawnSync(bin, ["run", "--collection", "messages"], { env: { PATH, HOME, ...stack.env }, encoding: "utf8", timeout: 120_000 });
    expect(run.stderr).not.toMatch(/DeprecationWarning|DEP0005/);
    expect(run.status, run.stderr).toBe(0);
    const { rows, types } = await readCurated(stack, "messages");
    expect(rows.map((r) => r.id).sort()).toEqual(docs.map((d) => d._id.toHexString()).sort());
    expect(types).toMatchObject({ created_at: "TIMESTAMP", rating: "BIGINT", quality_score: "DOUBLE" });
    expect(rows.find((r) => r.id === docs[7]!._id.toHexString())).toMatchObject({ student_message: "How do enzymes work, part 7?", rating: 8n - 5n });
  });
});
