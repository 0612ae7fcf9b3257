import { ObjectId } from "mongodb";
import { describe, expect, it } from "vitest";
import { committedDayFilter, committedUntimedFilter, dayBounds } from "../../lib/backfill/day-filter.js";
import type { BackfillJob, ChunkState } from "../../lib/backfill/job-store.js";
import { summarizeJob } from "../../lib/backfill/job-status.js";

const job: BackfillJob = {
  jobId: "20261120_120000_abcdef",
  mode: "full",
  collections: ["messages"],
  from: "2026-11-19",
  to: "2026-11-20",
  repairWatermark: false,
  createdAt: new Date("2026-11-20T12:00:00Z"),
  chunkCount: 2,
  watermarkChanges: [],
};
const chunk = (day: string, state: Partial<ChunkState>): ChunkState => ({
  collection: "messages", day, status: "pending", attempts: 0, updatedAt: new Date(), ...state,
});

describe("job status", () => {
  it("is queued, running, done or failed from its chunks, with totals of finished chunks", () => {
    expect(summarizeJob(job, [chunk("2026-11-19", {}), chunk("2026-11-20", {})]).status).toBe("queued");
    const running = summarizeJob(job, [
      chunk("2026-11-19", { status: "done", attempts: 1, documents: 5, startedAt: new Date("2026-11-20T12:00:01Z"), endedAt: new Date("2026-11-20T12:00:02Z") }),
      chunk("2026-11-20", { status: "retrying", attempts: 1, error: "MongoDB connection failed", startedAt: new Date("2026-11-20T12:00:00Z") }),
    ]);
    expect(running).toMatchObject({ status: "running", documents: 5, startedAt: "2026-11-20T12:00:00.000Z", endedAt: undefined });
    expect(running.counts).toEqual({ pending: 0, running: 0, retrying: 1, done: 1, failed: 0 });
    expect(running.chunks[1]!.error).toBe("MongoDB connection failed");

    const failed = summarizeJob(job, [
      chunk("2026-11-19", { status: "done", attempts: 2, documents: 5, endedAt: new Date("2026-11-20T12:00:02Z"), error: undefined }),
      chunk("2026-11-20", { status: "failed", attempts: 5, error: "boom", endedAt: new Date("2026-11-20T12:09:00Z") }),
    ]);
    expect(failed).toMatchObject({ status: "failed", endedAt: "2026-11-20T12:09:00.000Z", failures: [{ day: "2026-11-20", attempts: 5, error: "boom" }] });
    expect(summarizeJob(job, [chunk("2026-11-19", { status: "done" }), chunk("2026-11-20", { status: "done" })]).status).toBe("done");
  });
});

describe("a day's share of committed documents", () => {
  const id = new ObjectId();
  it("is nothing when the watermark is missing or before the day", () => {
    expect(committedDayFilter("2026-11-20", undefined)).toBeUndefined();
    expect(committedDayFilter("2026-11-20", { createdAt: new Date("2026-11-19T23:59:59.999Z"), id })).toBeUndefined();
  });
  it("is the whole day when the watermark is after it, and up to the watermark's key on its own day", () => {
    const { start, end } = dayBounds("2026-11-20");
    expect(committedDayFilter("2026-11-20", { createdAt: new Date("2026-11-21T00:00:00Z"), id })).toEqual({ $and: [{ createdAt: { $gte: start, $lt: end } }] });
    const within = committedDayFilter("2026-11-20", { createdAt: new Date("2026-11-20T10:00:00Z"), id });
    expect(JSON.stringify(within)).toContain('"$nor"');
  });
  it("places untimed documents by ObjectId second up to the committed window", () => {
    expect(committedUntimedFilter("2026-11-20", undefined)).toBeUndefined();
    expect(committedUntimedFilter("2026-11-20", new Date("2026-11-19T12:00:00Z"))).toBeUndefined();
    const f = committedUntimedFilter("2026-11-20", new Date("2026-11-20T10:00:00.500Z"))!;
    const range = (f.$and as { _id?: { $gte: ObjectId; $lt: ObjectId } }[])[1]!._id!;
    expect(range.$gte.getTimestamp().toISOString()).toBe("2026-11-20T00:00:00.000Z");
    expect(range.$lt.getTimestamp().toISOString()).toBe("2026-11-20T10:00:01.000Z");
  });
});
