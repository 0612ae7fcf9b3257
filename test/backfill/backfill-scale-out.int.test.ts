import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drainQueue } from "../../lib/backfill/drain.js";
import { isJobFinished } from "../../lib/backfill/job-status.js";
import { collectionNames } from "../../lib/collections/index.js";
import { loadConfig } from "../../lib/config.js";
import { createLogger, memorySink } from "../../lib/log.js";
import { createEtlContext } from "../../lib/pipeline/context.js";
import { runEtl } from "../../lib/pipeline/run-etl.js";
import { generateDataset, insertDataset, type Dataset } from "../../scripts/generate/dataset.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";
import { backfillApi, drainJob, expectedByDay, expectLakeMatches, readLake, type LakeView } from "./fixtures.js";

const NOW = new Date("2026-11-20T12:00:00Z");

/** A lake with the job id taken out of file names and lineage, for comparing two jobs. */
function comparable(lake: LakeView, jobId: string) {
  const files = JSON.parse(JSON.stringify(lake.files).replaceAll(jobId, "JOB"));
  return { files, raw: lake.raw, curated: lake.curated, quarantine: lake.quarantine, curatedRows: lake.curatedRows };
}

describe("several workers draining one queue", () => {
  let one: TestStack;
  let many: TestStack;
  let data: Dataset;
  beforeAll(async () => {
    [one, many] = [await createTestStack("bfone"), await createTestStack("bfmany")];
    data = generateDataset({ from: new Date("2026-11-13T00:00:00Z"), to: new Date("2026-11-20T11:00:00Z"), messages: 500 });
    await Promise.all([insertDataset(one.db, data), insertDataset(many.db, data)]);
  });
  afterAll(async () => {
    await Promise.all([one.close(), many.close()]);
    await closeTestClients();
  });

  it("build the same lake as one worker, with every chunk done once", async () => {
    // A new deployment whose first hourly windows (before the data) held nothing: the submit
    // initialises the watermarks and the backfill owns history.
    const submit = async (stack: TestStack) => {
      expect((await runEtl(stack.ctx, { now: new Date("2026-11-13T00:00:00Z") })).failed).toEqual([]);
      const got = await backfillApi(stack, () => NOW).post({ days: 8 });
      expect(got.status).toBe(202);
      expect((got.body.watermarkChanges as { action: string }[]).every((c) => c.action === "initialized")).toBe(true);
      return got.body.jobId as string;
    };
    const [jobOne, jobMany] = [await submit(one), await submit(many)];

    let started = Date.now();
    await drainJob(one, jobOne, { concurrency: 1, now: () => NOW });
    const serial = (Date.now() - started) / 1000;
    started = Date.now();
    // Four "instances", each with its own context (clients, tester cache) and two lanes.
    const instances = await Promise.all(Array.from({ length: 4 }, () => createEtlContext(loadConfig(many.env), createLogger(memorySink()))));
    const stats = await Promise.all(
      instances.map((ctx) =>
        drainQueue(ctx, { until: () => isJobFinished(ctx, jobMany), concurrency: 2, now: () => NOW, retryDelaySeconds: 1, pollIntervalMs: 100 }),
      ),
    );
    const parallel = (Date.now() - started) / 1000;
    console.log(`[figures] 48 chunks: 1 worker ${serial.toFixed(1)} s, 4 workers x 2 lanes ${parallel.toFixed(1)} s`);
    expect(stats.filter((s) => s.done > 0).length).toBeGreaterThan(1); // the work was really shared
    expect(stats.reduce((n, s) => n + s.done, 0)).toBe(48);

    for (const [stack, jobId] of [[one, jobOne], [many, jobMany]] as const) {
      expect((await backfillApi(stack).job(jobId)).status).toBe("done");
    }
    for (const name of collectionNames) {
      const [a, b] = [await readLake(one, name), await readLake(many, name)];
      expect(comparable(b, jobMany)).toEqual(comparable(a, jobOne));
      expectLakeMatches(b, expectedByDay(name, data[name as keyof Dataset] as never, data.testerIds));
    }
    // The first hourly run continues after the initialised watermark: nothing twice.
    const hourly = await runEtl(many.ctx, { now: new Date("2026-11-20T13:00:00Z") });
    expect(hourly.documents).toBe(0);
  });
});
