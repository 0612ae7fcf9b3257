import { describe, expect, it } from "vitest";
import { daysBetween, formatRunId, lakeBlobName, utcDay } from "../../lib/load/lake-paths.js";

describe("lake paths", () => {
  it("names run ids by the UTC start of the run", () => {
    expect(formatRunId(new Date("2026-03-21T00:00:01.999Z"))).toBe("20260321_000001");
  });
  it("partitions by the UTC day, not the local one", () => {
    expect(utcDay(new Date("2026-03-20T23:59:59.999-05:00"))).toBe("2026-03-21");
  });
  it("lays files out as zone/collection/date=/collection_runId.ext", () => {
    expect(lakeBlobName("curated", "messages", "2026-03-21", "20260321_000001")).toBe("messages/date=2026-03-21/messages_20260321_000001.parquet");
    expect(lakeBlobName("raw", "messages", "2026-03-21", "x")).toBe("messages/date=2026-03-21/messages_x.jsonl");
  });
  it("lists every day a window touches", () => {
    expect(daysBetween(new Date("2026-02-27T23:00:00Z"), new Date("2026-03-01T00:10:00Z"))).toEqual(["2026-02-27", "2026-02-28", "2026-03-01"]);
  });
});
