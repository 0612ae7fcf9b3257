import { describe, expect, it } from "vitest";
import { collectionNames } from "../../lib/collections/index.js";
import { dailyCompactionRequest } from "../../lib/backfill/daily-compaction.js";

describe("dailyCompactionRequest", () => {
  it("covers the two finished UTC days before now, every collection, full rebuild", () => {
    const request = dailyCompactionRequest(new Date("2026-03-01T00:30:00Z"));
    expect(request).toMatchObject({ from: "2026-02-27", to: "2026-02-28", mode: "full", repairWatermark: false });
    expect(request.collections).toEqual(collectionNames);
  });
});
