import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, describe, expect, it } from "vitest";
import { curatedColumns, getCollection } from "../../lib/collections/index.js";
import { FlatParquetWriter } from "../../lib/load/parquet-rows.js";
import { parquetSchema } from "../../lib/load/parquet-schema.js";
import type { CuratedRow } from "../../lib/transform/curated-row.js";

const dir = mkdtempSync(join(tmpdir(), "parquet-stats-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A curated messages file of `rows`, as the ETL writes it, on disk for DuckDB. */
async function messagesFile(rows: CuratedRow[]): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  const writer = await FlatParquetWriter.openStream(parquetSchema(curatedColumns(getCollection("messages")), "SNAPPY"), out, { rowGroupSize: 5000 });
  for (const row of rows) await writer.appendRow(row);
  await writer.close();
  const path = join(dir, "messages.parquet");
  writeFileSync(path, Buffer.concat(chunks));
  return path;
}

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
    const path = await messagesFile(Array.from({ length: 50 }, (_, i) => row(i)));
    const conn = await (await DuckDBInstance.create(":memory:")).connect();
    const stats = (await conn.runAndReadAll(`SELECT path_in_schema AS col, stats_min_value AS min, stats_max_value AS max FROM parquet_metadata('${path}')`)).getRowObjectsJS() as {
      col: string;
      min: string | null;
      max: string | null;
    }[];
    const back = (await conn.runAndReadAll(`SELECT count(*)::INT AS n, max(length(ai_response))::INT AS longest, min(category) AS first FROM read_parquet('${path}')`)).getRowObjectsJS();
    conn.closeSync();
    const of = (col: string) => stats.find((s) => s.col === col)!;
    for (const col of ["student_message", "ai_response", "tokens", "extra_json"]) expect(of(col), col).toMatchObject({ min: null, max: null });
    expect(of("category")).toMatchObject({ min: "activity", max: "question" });
    expect(of("id")).toMatchObject({ min: row(0).id, max: row(49).id });
    expect(of("created_at").min).not.toBeNull();
    // The text itself is all there.
    expect(back).toEqual([{ n: 50, longest: (row(49).ai_response as string).length, first: "activity" }]);
  });
});
