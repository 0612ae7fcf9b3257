import { describe, expect, it } from "vitest";
import type { CuratedRow } from "../../lib/transform/curated-row.js";
import { curatedFile, queryParquet } from "../fixtures/parquet-file.js";

const row = (i: number): CuratedRow => ({
  id: (0xabc000 + i).toString(16).padStart(24, "0"),
  user_id: "u".repeat(24),
  category: i % 2 ? "question" : "activity",
  student_message: `how do enzymes work, take ${i}? `.repeat(20),
  ai_response: `They lower the activation energy (${i}). `.repeat(30),
  created_at: new Date(Date.UTC(2026, 10, 30, 0, 0, i)),
  tokens: JSON.stringify({ prompt: i }),
  extra_json: JSON.stringify({ note: `extra ${i}` }),
  etl_run_id: "20261130_000000_abcdef",
});

describe("curated Parquet statistics", () => {
  it("keeps min/max for the columns queries filter on, and none for free text and JSON (whose texts would be copied into every page)", async () => {
    const file = await curatedFile("messages", Array.from({ length: 50 }, (_, i) => row(i)));
    const stats = (await queryParquet(file, "SELECT path_in_schema AS col, stats_min_value AS min, stats_max_value AS max FROM parquet_metadata($file)")) as {
      col: string;
      min: string | null;
      max: string | null;
    }[];
    const back = await queryParquet(file, "SELECT count(*)::INT AS n, max(length(ai_response))::INT AS longest, min(category) AS first FROM read_parquet($file)");
    const of = (col: string) => stats.find((s) => s.col === col)!;
    for (const col of ["student_message", "ai_response", "tokens", "extra_json"]) expect(of(col), col).toMatchObject({ min: null, max: null });
    expect(of("category")).toMatchObject({ min: "activity", max: "question" });
    expect(of("id")).toMatchObject({ min: row(0).id, max: row(49).id });
    expect(of("created_at").min).not.toBeNull();
    // The text itself is all there.
    expect(back).toEqual([{ n: 50, longest: (row(49).ai_response as string).length, first: "activity" }]);
  });
});
