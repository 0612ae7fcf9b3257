import { describe, expect, it } from "vitest";
import { collectionNames } from "../../lib/collections/index.js";
import { DEFAULT_DAYS, MAX_DAYS, parseBackfillRequest, requestDays } from "../../lib/backfill/request.js";

const now = new Date("2026-11-20T12:34:56Z");

function problems(body: unknown): string[] {
  const parsed = parseBackfillRequest(body, now);
  if (parsed.ok) throw new Error(`expected a rejection, got ${JSON.stringify(parsed.request)}`);
  return parsed.problems;
}

describe("backfill request validation", () => {
  it("defaults to every collection, the last 90 UTC days up to today, full rebuild", () => {
    const parsed = parseBackfillRequest({}, now);
    expect(parsed).toEqual({
      ok: true,
      request: { collections: [...collectionNames], from: "2026-08-23", to: "2026-11-20", mode: "full", repairWatermark: false },
    });
    if (parsed.ok) expect(requestDays(parsed.request)).toHaveLength(DEFAULT_DAYS);
  });

  it("takes a number of days ending today, or an explicit range, and the options", () => {
    expect(parseBackfillRequest({ days: 10, collections: ["messages", "messages", "tasks"] }, now)).toEqual({
      ok: true,
      request: { collections: ["messages", "tasks"], from: "2026-11-11", to: "2026-11-20", mode: "full", repairWatermark: false },
    });
    expect(parseBackfillRequest({ from: "2026-03-01", to: "2026-03-01", rescoreOnly: true }, now)).toMatchObject({
      ok: true,
      request: { from: "2026-03-01", to: "2026-03-01", mode: "rescore" },
    });
    expect(parseBackfillRequest({ days: 1, repairWatermark: true }, now)).toMatchObject({ ok: true, request: { from: "2026-11-20", repairWatermark: true } });
  });

  it("names each problem of a malformed body", () => {
    expect(problems([1, 2])).toEqual(["body must be a JSON object (got an array)"]);
    expect(problems(null)).toEqual(["body must be a JSON object (got null)"]);
    expect(problems({ collections: "messages", days: "ten", rescoreOnly: "yes", colections: ["x"] })).toEqual([
      "collections: Invalid input: expected array, received string",
      "days: must be a whole number of days",
      "rescoreOnly: must be true or false",
      'unknown field "colections": expected collections, from, to, days, rescoreOnly, repairWatermark',
    ]);
    expect(problems({ from: "2026-3-1", to: "2026-02-30" })).toEqual(["from: must be a UTC date YYYY-MM-DD", "to: is not a calendar date"]);
    expect(problems({ days: 2.5 })).toEqual(["days: must be a whole number of days"]);
    expect(problems({ collections: [] })).toEqual(["collections: must name at least one collection (or be left out for all)"]);
  });

  it("names unknown collections and lists the known ones", () => {
    expect(problems({ collections: ["messages", "mesages", "grades"] })).toEqual([
      `collections: unknown collections "mesages", "grades"; expected one or more of ${collectionNames.join(", ")}`,
    ]);
  });

  it("rejects reversed, future, half-given and absurd ranges with the reason", () => {
    expect(problems({ from: "2026-03-10", to: "2026-03-01" })).toEqual(["from 2026-03-10 is after to 2026-03-01: the range is reversed"]);
    expect(problems({ from: "2026-11-01", to: "2026-11-21" })).toEqual([
      "to 2026-11-21 is in the future: the latest day a backfill can rebuild is today, 2026-11-20 (UTC)",
    ]);
    expect(problems({ from: "2016-11-20", to: "2026-11-20" })).toEqual([
      `from 2016-11-20 to 2026-11-20 is 3653 days; at most ${MAX_DAYS} days per job: split it into several jobs`,
    ]);
    expect(problems({ days: 3650 })).toEqual([`days: at most ${MAX_DAYS} days per job; split longer history into several jobs`]);
    expect(problems({ from: "2026-11-01" })).toEqual(["to: missing; a range needs both from and to (UTC dates YYYY-MM-DD)"]);
    expect(problems({ from: "2026-11-01", to: "2026-11-02", days: 3 })).toEqual(["days: give either days or from/to, not both"]);
  });

  it("accepts exactly the longest range and not a day more", () => {
    expect(parseBackfillRequest({ from: "2025-11-20", to: "2026-11-20" }, now).ok).toBe(true); // 366 days
    expect(parseBackfillRequest({ from: "2025-11-19", to: "2026-11-20" }, now).ok).toBe(false);
  });

  it("refuses to repair a watermark in a rescore-only job", () => {
    expect(problems({ rescoreOnly: true, repairWatermark: true })[0]).toMatch(/^repairWatermark needs a full backfill/);
  });
});
