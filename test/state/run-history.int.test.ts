import { ObjectId } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collections } from "../../lib/collections/index.js";
import { runEtl } from "../../lib/pipeline/run-etl.js";
import { emptySummary, type CollectionRunSummary } from "../../lib/pipeline/summary.js";
import { invertedTime, RunHistory } from "../../lib/state/run-history.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";

const DAY_MS = 86_400_000;
const now = new Date("2026-11-20T12:00:00Z");
const daysBefore = (d: number) => new Date(now.getTime() - d * DAY_MS);

function summary(collection: string, startedAt: Date, overrides: Partial<CollectionRunSummary> = {}): CollectionRunSummary {
  const runId = startedAt.toISOString().replace(/[-:]/g, "").replace("T", "_").slice(0, 15);
  return { ...emptySummary(collection, runId, startedAt, false), durationMs: 1500, ...overrides };
}

describe("run history in Table Storage", () => {
  let stack: TestStack;
  let history: RunHistory;

  beforeAll(async () => {
    stack = await createTestStack("runs", { RUN_HISTORY_RETENTION_DAYS: "30" });
    history = new RunHistory(stack.ctx.storage.table(stack.config.tables.runs));
  });
  afterAll(async () => {
    await stack.close();
    await closeTestClients();
  });

  it("keys rows by collection and inverted start time, so a partition lists newest first", async () => {
    const hours = [3, 1, 2, 0].map((h) => new Date(now.getTime() - h * 3_600_000));
    for (const startedAt of hours) await history.record(summary("paths", startedAt, { extracted: startedAt.getUTCHours() }));
    const latest = await history.latest("paths", 3);
    expect(latest.map((r) => r.startedAt)).toEqual([0, 1, 2].map((h) => new Date(now.getTime() - h * 3_600_000)));
    expect(latest[0]).toMatchObject({ collection: "paths", runId: "20261120_120000", outcome: "success", extracted: 12, durationMs: 1500 });
    expect(latest[0]!.finishedAt).toEqual(new Date(now.getTime() + 1500));
    expect(invertedTime(new Date(1))).toBe("8639999999999999");
    expect(invertedTime(now) < invertedTime(daysBefore(1))).toBe(true);
  });

  it("finds the last success behind a run of failures, and the last failure", async () => {
    await history.record(summary("tasks", daysBefore(1)));
    for (let h = 1; h <= 12; h++) {
      await history.record(summary("tasks", new Date(daysBefore(1).getTime() + h * 3_600_000), { outcome: "failed", error: `attempt ${h} failed` }));
    }
    expect(await history.lastWithOutcome("tasks", "success")).toMatchObject({ startedAt: daysBefore(1), outcome: "success" });
    expect(await history.lastWithOutcome("tasks", "failed")).toMatchObject({ error: "attempt 12 failed" });
    expect(await history.lastWithOutcome("tasks", "skipped")).toBeUndefined();
  });

  it("stores every count, the window and the watermark of a summary, and long durations", async () => {
    const full = summary("messages", now, {
      replayed: true,
      windowFrom: new Date("2026-11-20T10:58:00Z"),
      windowTo: new Date("2026-11-20T11:58:00Z"),
      extracted: 120,
      rawRows: 118,
      curatedRows: 115,
      quarantined: 5,
      testersExcluded: 7,
      watermark: new Date("2026-11-20T11:57:59Z"),
      durationMs: 40 * DAY_MS, // beyond Int32 milliseconds
      caughtUp: false, // a bounded window stopped at its bound
      heldBack: 3,
    });
    await history.record(full);
    const [row] = await history.latest("messages", 1);
    expect(row).toEqual({
      collection: "messages",
      runId: full.runId,
      outcome: "success",
      replayed: true,
      windowFrom: full.windowFrom,
      windowTo: full.windowTo,
      startedAt: now,
      finishedAt: new Date(now.getTime() + 40 * DAY_MS),
      durationMs: 40 * DAY_MS,
      extracted: 120,
      rawRows: 118,
      curatedRows: 115,
      quarantined: 5,
      testersExcluded: 7,
      files: 0,
      watermark: full.watermark,
      caughtUp: false,
      heldBack: 3,
      error: undefined,
    });
  });

  it("redacts credentials in errors and keeps them short", async () => {
    await history.record(summary("errorlogs", now, { outcome: "failed", error: `MongoServerError at mongodb://etl:hunter2@db.example.net/: ${"x".repeat(5000)}` }));
    const [row] = await history.latest("errorlogs", 1);
    expect(row?.error).toMatch(/^MongoServerError at mongodb:\/\/\*\*\*@db\.example\.net\/: x+$/);
    expect(row?.error).not.toContain("hunter2");
    expect(row?.error?.length).toBe(2000);
  });

  it("refuses dry runs and skips rows that do not match the schema", async () => {
    await expect(history.record(summary("actions", now, { dryRun: true }))).rejects.toThrow(/Dry run of actions/);
    const table = stack.ctx.storage.table(stack.config.tables.runs);
    await table.createEntity({ partitionKey: "actions", rowKey: `${invertedTime(now)}_zzzzzzzz`, runId: "hand-made" });
    await history.record(summary("actions", daysBefore(1)));
    expect((await history.latest("actions", 5)).map((r) => r.startedAt)).toEqual([daysBefore(1)]);
  });

  it("prunes rows that started before the cut-off, in batches, keeping the rest and other collections", async () => {
    const old = Array.from({ length: 130 }, (_, i) => new Date(daysBefore(31).getTime() - i * 3_600_000));
    await Promise.all(old.map((startedAt) => history.record(summary("profiles", startedAt))));
    await history.record(summary("profiles", daysBefore(30))); // exactly at the cut-off: kept
    await history.record(summary("profiles", daysBefore(2)));
    expect(await history.prune("profiles", daysBefore(30))).toBe(130);
    expect((await history.latest("profiles", 500)).map((r) => r.startedAt)).toEqual([daysBefore(2), daysBefore(30)]);
    expect(await history.latest("paths", 10)).toHaveLength(4);
  });

  it("is written by the hourly run, one row per collection, pruning past RUN_HISTORY_RETENTION_DAYS", async () => {
    const etl = await createTestStack("runsetl", { RUN_HISTORY_RETENTION_DAYS: "7" });
    try {
      const etlHistory = new RunHistory(etl.ctx.storage.table(etl.config.tables.runs));
      await etlHistory.record(summary("messages", daysBefore(8)));
      await etlHistory.record(summary("messages", daysBefore(6)));
      const user = new ObjectId();
      await etl.db.collection("profiles").insertOne({ _id: user, createdAt: new Date("2026-11-20T08:00:00Z") });
      await etl.db.collection("messages").insertMany([9, 10].map((h) => ({ _id: new ObjectId(), userId: user, category: "system", createdAt: new Date(Date.UTC(2026, 10, 20, h)) })));

      const result = await runEtl(etl.ctx, { now });
      for (const s of result.summaries) {
        const [row] = await etlHistory.latest(s.collection, 1);
        expect(row, s.collection).toMatchObject({
          runId: s.runId,
          outcome: "success",
          startedAt: now,
          windowFrom: s.windowFrom,
          windowTo: s.windowTo,
          extracted: s.extracted,
          rawRows: s.rawRows,
          curatedRows: s.curatedRows,
          files: s.files.length,
        });
      }
      expect((await etlHistory.latest("messages", 10)).map((r) => [r.startedAt, r.extracted])).toEqual([
        [now, 2],
        [daysBefore(6), 0],
      ]);
      expect(result.summaries.map((s) => s.collection)).toEqual(collections.map((c) => c.name));

      await runEtl(etl.ctx, { now, dryRun: true });
      expect(await etlHistory.latest("messages", 10)).toHaveLength(2); // dry runs leave no history
    } finally {
      await etl.close();
    }
  });
});
