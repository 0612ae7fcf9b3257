import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chunkFileId } from "../../lib/backfill/plan.js";
import { collections, getCollection, type CollectionSpec } from "../../lib/collections/index.js";
import { QUALITY_VERSION } from "../../lib/quality/index.js";
import { runEtl } from "../../lib/pipeline/run-etl.js";
import { WatermarkStore } from "../../lib/state/watermarks.js";
import { generateDataset, insertDataset } from "../../scripts/generate/dataset.js";
import { readCurated } from "../fixtures/lake-readers.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";
import { backfillApi, drainJob, readLake } from "./fixtures.js";

const OLD_VERSION = "0.9.0-test";

/** The messages spec as an older scorer would have written it: same scores, older version. */
function olderScoring(): CollectionSpec {
  const base = getCollection("messages");
  const derivation = base.derivation!;
  return {
    ...base,
    derivation: {
      columns: derivation.columns,
      derive(doc) {
        const derived = derivation.derive(doc);
        if (derived.values.quality_version == null) return derived;
        return { ...derived, values: { ...derived.values, quality_version: OLD_VERSION } };
      },
    },
  };
}

describe("a re-score backfill", () => {
  let stack: TestStack;
  const now = new Date("2026-11-20T12:00:00Z");

  beforeAll(async () => {
    stack = await createTestStack("bfrescore");
    await insertDataset(stack.db, generateDataset({ from: new Date("2026-11-17T00:00:00Z"), to: new Date("2026-11-20T11:00:00Z"), messages: 400 }));
    const specs = collections.map((s) => (s.name === "messages" ? olderScoring() : s));
    for (const at of ["2026-11-18T12:00:00Z", now.toISOString()]) {
      expect((await runEtl(stack.ctx, { collections: specs, now: new Date(at) })).failed).toEqual([]);
    }
  });
  afterAll(async () => {
    await stack.close();
    await closeTestClients();
  });

  it("changes quality_version on history and nothing else; raw and quarantine files are untouched", async () => {
    const before = await readLake(stack, "messages");
    const actionsBefore = await readLake(stack, "actions");
    const watermarkBefore = await new WatermarkStore(stack.ctx.storage.table(stack.config.tables.watermarks)).read("messages");
    const scoredBefore = Object.values(before.curatedRows).filter((r) => r.quality_version === OLD_VERSION).length;
    expect(scoredBefore).toBeGreaterThan(50);

    const api = backfillApi(stack, () => now);
    const submitted = await api.post({ rescoreOnly: true, collections: ["messages"], from: "2026-11-17", to: "2026-11-20" });
    expect(submitted.status).toBe(202);
    expect(submitted.body).toMatchObject({ mode: "rescore", chunks: 4, watermarkChanges: [] });
    const jobId = submitted.body.jobId as string;
    await drainJob(stack, jobId, { now: () => now });
    const job = await api.job(jobId);
    expect(job.status).toBe("done");

    const after = await readLake(stack, "messages");
    // Raw and quarantine: the same files, byte for byte.
    expect(after.files.raw).toEqual(before.files.raw);
    expect(after.files.quarantine).toEqual(before.files.quarantine);
    expect(after.texts).toEqual(before.texts);
    // Curated: one file per day, the same rows, only the version moved on.
    for (const [day, names] of Object.entries(after.files.curated)) {
      expect(names, day).toEqual([`messages/date=${day}/messages_${chunkFileId("rescore", jobId)}.parquet`]);
    }
    expect(after.curated).toEqual(before.curated);
    const expected = Object.fromEntries(
      Object.entries(before.curatedRows).map(([id, row]) => [id, { ...row, quality_version: row.quality_version === OLD_VERSION ? QUALITY_VERSION : row.quality_version }]),
    );
    expect(after.curatedRows).toEqual(expected);
    expect((await readCurated(stack, "messages")).rows.every((r) => r.etl_run_id === chunkFileId("rescore", jobId))).toBe(true);
    expect(job.curatedRows).toBe(Object.keys(expected).length);

    // Nothing else: other collections and the watermark are as they were.
    expect((await readLake(stack, "actions")).texts).toEqual(actionsBefore.texts);
    const watermarkAfter = await new WatermarkStore(stack.ctx.storage.table(stack.config.tables.watermarks)).read("messages");
    expect(watermarkAfter.etag).toBe(watermarkBefore.etag);
  });
});
