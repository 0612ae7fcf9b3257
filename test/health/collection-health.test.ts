import { describe, expect, it } from "vitest";
import { assessCollection, type CollectionState } from "../../lib/health/index.js";
import type { RunRecord } from "../../lib/state/run-history.js";

const now = new Date("2026-11-20T12:30:00Z");
const minutesBefore = (m: number) => new Date(now.getTime() - m * 60_000);

function run(overrides: Partial<RunRecord>): RunRecord {
  return {
    collection: "errorlogs",
    runId: "20261120_120000",
    outcome: "success",
    replayed: false,
    windowFrom: minutesBefore(92),
    windowTo: minutesBefore(32),
    startedAt: minutesBefore(30),
    finishedAt: minutesBefore(29),
    durationMs: 60_000,
    extracted: 0,
    rawRows: 0,
    curatedRows: 0,
    quarantined: 0,
    testersExcluded: 0,
    files: 0,
    ...overrides,
  };
}

const state = (overrides: Partial<CollectionState>): CollectionState => ({ collection: "errorlogs", ...overrides });

describe("assessCollection", () => {
  it("keeps a quiet collection fresh: lag is from the committed window's end, not from its newest document", () => {
    const success = run({ watermark: new Date("2026-11-01T00:00:00Z") });
    const health = assessCollection(
      state({ watermark: { collection: "errorlogs", windowUpper: minutesBefore(32), last: { createdAt: new Date("2026-11-01T00:00:00Z"), id: "x" } }, lastRun: success, lastSuccess: success }),
      now,
      120,
    );
    expect(health.status).toBe("fresh");
    expect(health.lagMinutes).toBe(32);
    expect(health.completeUpTo).toBe(minutesBefore(32).toISOString());
    expect(health.watermark).toBe("2026-11-01T00:00:00.000Z");
    expect(health.watermarkLagMinutes).toBe((now.getTime() - Date.parse("2026-11-01T00:00:00Z")) / 60_000);
    expect(health.reason).toBeUndefined();
    expect(health.lastSuccess).toMatchObject({ runId: "20261120_120000", documents: 0, windowTo: minutesBefore(32).toISOString() });
  });

  it("is stale once the lag passes the threshold, naming the cut-off and the failed last run", () => {
    const success = run({ runId: "20261120_090000", windowTo: minutesBefore(212) });
    const failure = run({ runId: "20261120_120000", outcome: "failed", error: "MongoDB connection failed (db:27017): timeout" });
    const health = assessCollection(
      state({ watermark: { collection: "errorlogs", windowUpper: minutesBefore(212) }, lastRun: failure, lastSuccess: success, lastFailure: failure }),
      now,
      120,
    );
    expect(health.status).toBe("stale");
    expect(health.lagMinutes).toBe(212);
    expect(health.reason).toBe(`complete only up to ${minutesBefore(212).toISOString()}: 212 min behind, more than 120; last run 20261120_120000 failed`);
    expect(health.lastError).toEqual({ runId: "20261120_120000", at: failure.finishedAt.toISOString(), message: "MongoDB connection failed (db:27017): timeout" });
  });

  it("is fresh at exactly the threshold and stale one millisecond past it", () => {
    const at = (ms: number) => state({ watermark: { collection: "errorlogs", windowUpper: new Date(now.getTime() - ms) } });
    expect(assessCollection(at(120 * 60_000), now, 120).status).toBe("fresh");
    expect(assessCollection(at(120 * 60_000 + 1), now, 120).status).toBe("stale");
  });

  it("falls back to the last successful run's window when the watermark row is missing", () => {
    const success = run({ windowTo: minutesBefore(45) });
    const health = assessCollection(state({ lastRun: success, lastSuccess: success }), now, 120);
    expect(health).toMatchObject({ status: "fresh", lagMinutes: 45 });
  });

  it("is stale when no window was ever committed, even after failed runs", () => {
    const failure = run({ outcome: "failed", error: "boom", windowTo: undefined });
    const health = assessCollection(state({ lastRun: failure, lastFailure: failure }), now, 120);
    expect(health).toMatchObject({ status: "stale", lagMinutes: null, completeUpTo: null, lastSuccess: null });
    expect(health.reason).toBe("no window was ever committed; last run 20261120_120000 failed");
  });

  it("reports an old error beside a fresh state without turning it stale", () => {
    const failure = run({ runId: "20261120_100000", outcome: "failed", error: "boom" });
    const success = run({});
    const health = assessCollection(state({ watermark: { collection: "errorlogs", windowUpper: minutesBefore(32) }, lastRun: success, lastSuccess: success, lastFailure: failure }), now, 120);
    expect(health.status).toBe("fresh");
    expect(health.lastError?.runId).toBe("20261120_100000");
  });
});
