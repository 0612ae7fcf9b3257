import { runEtl } from "../../lib/pipeline/run-etl.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectionNames } from "../../lib/collections/index.js";
import { utcDay } from "../../lib/load/lake-paths.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";
import { backfillApi } from "./fixtures.js";

const DAY_MS = 86_400_000;

describe("backfill HTTP functions", () => {
  let stack: TestStack;
  let api: ReturnType<typeof backfillApi>;
  beforeAll(async () => {
    stack = await createTestStack("bfhttp");
    api = backfillApi(stack); // the real clock: "future" means after today, UTC
  });
  afterAll(async () => {
    await stack.close();
    await closeTestClients();
  });

  async function rejected(body: unknown): Promise<string[]> {
    const got = await api.post(body);
    expect(got.status, JSON.stringify(got.body)).toBe(400);
    expect(got.body.error).toBe("Invalid backfill request");
    return got.body.problems as string[];
  }

  it("rejects a body that is not JSON, or not an object, naming the problem", async () => {
    expect((await rejected("{ days: 10 "))[0]).toMatch(/^body is not valid JSON \(/);
    expect(await rejected("[]")).toEqual(["body must be a JSON object (got an array)"]);
    expect(await rejected({ days: "ten", rescoreOnly: 1, since: "2026-01-01" })).toEqual([
      "days: must be a whole number of days",
      "rescoreOnly: must be true or false",
      'unknown field "since": expected collections, from, to, days, rescoreOnly, repairWatermark',
    ]);
  });

  it("names unknown collections", async () => {
    expect(await rejected({ collections: ["messages", "grades"] })).toEqual([
      `collections: unknown collection "grades"; expected one or more of ${collectionNames.join(", ")}`,
    ]);
  });

  it("rejects reversed, future and absurd date ranges with a clear message", async () => {
    const today = utcDay(new Date());
    const tomorrow = utcDay(new Date(Date.now() + DAY_MS));
    expect(await rejected({ from: "2026-03-10", to: "2026-03-01" })).toEqual(["from 2026-03-10 is after to 2026-03-01: the range is reversed"]);
    expect(await rejected({ from: today, to: tomorrow })).toEqual([
      `to ${tomorrow} is in the future: the latest day a backfill can rebuild is today, ${today} (UTC)`,
    ]);
    const tenYearsAgo = utcDay(new Date(Date.now() - 3652 * DAY_MS));
    expect((await rejected({ from: tenYearsAgo, to: today }))[0]).toMatch(/^from \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2} is 365\d days; at most 366 days per job: split it into several jobs$/);
    expect(await rejected({ days: 3650 })).toEqual(["days: at most 366 days per job; split longer history into several jobs"]);
  });

  it("accepts an empty body as every collection for 90 days and answers 202 with a status URL", async () => {
    // Only the hourly path creates watermark rows; its first windows found nothing here.
    expect((await runEtl(stack.ctx)).failed).toEqual([]);
    const got = await api.post("");
    expect(got.status).toBe(202);
    expect(got.body).toMatchObject({ mode: "full", chunks: 6 * 90, collections: collectionNames, to: utcDay(new Date()) });
    expect(got.body.statusUrl).toBe(`http://localhost:7071/api/backfill/${got.body.jobId}`);
    // No window held a document yet: each watermark is initialised (at nothing, the database is empty) and shown.
    expect((got.body.watermarkChanges as { action: string }[]).map((c) => c.action)).toEqual(collectionNames.map(() => "initialized"));
    const job = await api.job(got.body.jobId as string);
    expect(job).toMatchObject({ status: "queued", chunkCount: 540, counts: { pending: 540, running: 0, retrying: 0, done: 0, failed: 0 } });
    const queued = await stack.ctx.storage.queue(stack.config.queues.backfill).getProperties();
    expect(queued.approximateMessagesCount).toBe(540);
  });

  it("answers 404 for an unknown job and 400 for a malformed job id", async () => {
    const missing = await api.get("20260101_000000_abcdef");
    expect(missing).toMatchObject({ status: 404, body: { error: "No backfill job 20260101_000000_abcdef" } });
    const bad = await api.get("../watermarks");
    expect(bad.status).toBe(400);
    expect((bad.body.problems as string[])[0]).toContain("is not a backfill job id");
  });
});
