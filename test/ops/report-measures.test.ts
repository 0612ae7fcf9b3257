import { describe, expect, it } from "vitest";
import { getCollection } from "../../lib/collections/index.js";
import { CollectionMeasures, median } from "../../lib/ops/index.js";

const days = ["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05", "2026-11-06"];

function measure(counts: number[], rows: (day: string, i: number) => Record<string, unknown> = () => ({})) {
  const m = new CollectionMeasures(getCollection("actions"), days, "2026-11-06");
  counts.forEach((n, d) => {
    for (let i = 0; i < n; i++) {
      m.addRow(days[d]!, { id: `${d}-${i}`, created_at: new Date(`${days[d]}T10:00:00Z`), user_id: "u", type: "login", ...rows(days[d]!, i) });
    }
  });
  return m.finish(null, 120);
}

describe("report measures", () => {
  it("takes the median of odd and even series", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it("flags a day below half or above twice its trailing median, an empty day as an error, never today", () => {
    const { measures, findings } = measure([20, 20, 20, 0, 50, 1]);
    expect(measures.volume.days.map((d) => d.anomaly)).toEqual([false, false, false, true, true, false]);
    expect(findings.filter((f) => f.measure === "volume" && f.level !== "info").map((f) => [f.level, f.message])).toEqual([
      ["error", "2026-11-04: 0 rows against a trailing median of 20 (×0.00)"],
      ["warning", "2026-11-05: 50 rows against a trailing median of 20 (×2.50)"],
    ]);
  });

  it("does not judge small collections (median under 10) or days without three earlier ones", () => {
    expect(measure([5, 5, 5, 0, 15, 5]).findings.filter((f) => f.measure === "volume")).toEqual([]);
    expect(measure([20, 20, 0, 20, 20, 20]).measures.volume.days[2]!.anomaly).toBe(false);
  });

  it("grades required nulls by share and lists mostly-null optional columns", () => {
    const { findings } = measure([10, 10, 10, 10, 10, 10], (_, i) => ({ user_id: i < 6 ? null : "u", etl_issues: i < 6 ? '[{"field":"userId","expected":"a value (required)","found":"missing"}]' : null }));
    const messages = findings.filter((f) => f.measure === "completeness" || f.measure === "validity").map((f) => [f.level, f.message]);
    expect(messages).toEqual([
      ["error", "required column user_id is null in 60.0% of rows (36)"],
      ["info", "platform is null in 100.0% of rows"],
      ["info", "duration_ms is null in 100.0% of rows"],
      ["info", "metadata is null in 100.0% of rows"],
      ["warning", "36 rows (60.0%) carry etl_issues: userId 36"],
    ]);
  });
});
