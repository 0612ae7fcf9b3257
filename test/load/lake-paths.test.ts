import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { daysBetween, formatRunId, lakeBlobName, utcDay } from "../../lib/load/lake-paths.js";

describe("lake paths", () => {
  it("names run ids by the UTC start of the run", () => {
    expect(formatRunId(new Date("2026-03-21T00:00:01.999Z"))).toBe("20260321_000001");
  });
  it("partitions by the UTC day, not the local one", () => {
    expect(utcDay(new Date("2026-03-20T23:59:59.999-05:00"))).toBe("2026-03-21");
  });
  it("gives every instant its ISO day, in any order (the cached last day never leaks)", () => {
    const instant = fc.oneof(
      fc.integer({ min: -8.64e15, max: 8.64e15 }),
      fc.integer({ min: 0, max: 4 }).map((k) => Date.UTC(2026, 2, 21) + k * 86_400_000 - 1 + (k % 2)), // day edges
    );
    fc.assert(
      fc.property(fc.array(instant, { minLength: 1, maxLength: 50 }), (times) => {
        for (const t of times) expect(utcDay(new Date(t))).toBe(new Date(t).toISOString().slice(0, 10));
      }),
    );
    expect(() => utcDay(new Date(Number.NaN))).toThrow(RangeError);
  });
  it("lays files out as zone/collection/date=/collection_runId.ext", () => {
    expect(lakeBlobName("curated", "messages", "2026-03-21", "20260321_000001")).toBe("messages/date=2026-03-21/messages_20260321_000001.parquet");
    expect(lakeBlobName("raw", "messages", "2026-03-21", "x")).toBe("messages/date=2026-03-21/messages_x.jsonl");
  });
  it("lists every day a window touches", () => {
    expect(daysBetween(new Date("2026-02-27T23:00:00Z"), new Date("2026-03-01T00:10:00Z"))).toEqual(["2026-02-27", "2026-02-28", "2026-03-01"]);
  });
});
