import { describe, expect, it } from "vitest";
import { formatLag, formatStatusTable, type HealthReport } from "../../lib/health/index.js";

const report: HealthReport = {
  status: "stale",
  checkedAt: "2026-11-20T12:30:00.000Z",
  maxLagMinutes: 120,
  stale: ["tasks"],
  collections: [
    {
      collection: "messages",
      status: "fresh",
      lagMinutes: 32,
      completeUpTo: "2026-11-20T11:58:00.000Z",
      lastRun: {
        runId: "20261120_120000",
        outcome: "success",
        startedAt: "2026-11-20T12:00:00.000Z",
        finishedAt: "2026-11-20T12:00:04.000Z",
        durationMs: 4000,
        documents: 1234,
        rawRows: 1234,
        curatedRows: 1230,
        quarantined: 4,
        windowFrom: "2026-11-20T10:58:00.000Z",
        windowTo: "2026-11-20T11:58:00.000Z",
      },
      lastSuccess: null,
      lastError: null,
      watermark: "2026-11-20T11:57:10.000Z",
      watermarkLagMinutes: 32,
    },
    {
      collection: "tasks",
      status: "stale",
      lagMinutes: 212,
      completeUpTo: "2026-11-20T08:58:00.000Z",
      reason: "complete only up to 2026-11-20T08:58:00.000Z: 212 min behind, more than 120; last run 20261120_120000 failed",
      lastRun: null,
      lastSuccess: null,
      lastError: { runId: "20261120_120000", at: "2026-11-20T12:00:01.000Z", message: "MongoDB connection failed (db:27017)" },
      watermark: null,
      watermarkLagMinutes: null,
    },
  ],
};

describe("formatStatusTable", () => {
  it("prints one aligned row per collection, the errors of stale collections, and which are stale", () => {
    const lines = formatStatusTable(report).split("\n");
    expect(lines[0]).toMatch(/^COLLECTION\s+LAST RUN \(UTC\)\s+OUTCOME\s+DOCUMENTS\s+LAST SUCCESS \(UTC\)\s+LAG\s+STATUS$/);
    expect(lines[1]).toMatch(/^messages\s+2026-11-20 12:00\s+success\s+1234\s+-\s+32 min\s+fresh$/);
    expect(lines[2]).toMatch(/^tasks\s+-\s+never ran\s+-\s+-\s+3h 32m\s+STALE$/);
    expect(lines[0]!.indexOf("STATUS")).toBe(lines[1]!.indexOf("fresh"));
    expect(lines).toContain("  tasks (run 20261120_120000, 2026-11-20 12:00): MongoDB connection failed (db:27017)");
    expect(lines.at(-2)).toBe(`STALE: tasks (${report.collections[1]!.reason})`);
  });

  it("says healthy when every collection is fresh", () => {
    const healthy: HealthReport = { ...report, status: "stale", stale: [], collections: [report.collections[0]!] };
    expect(formatStatusTable({ ...healthy, status: "healthy" })).toContain("healthy: every collection is complete to within 120 min (checked 2026-11-20 12:30 UTC)");
  });
});

describe("formatLag", () => {
  it("uses minutes below two hours, then hours, then days", () => {
    expect(formatLag(null)).toBe("-");
    expect(formatLag(0)).toBe("0 min");
    expect(formatLag(119)).toBe("119 min");
    expect(formatLag(125)).toBe("2h 5m");
    expect(formatLag(60 * 49 + 3)).toBe("2d 1h");
  });
});
