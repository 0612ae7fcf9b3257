import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import type { BlobServiceClient } from "@azure/storage-blob";

/**
 * Reads the curated zone back with DuckDB (an independent Parquet reader) and returns small
 * summary tables: rows per collection and day, and quality by category for messages.
 */
export async function summariseCurated(lake: BlobServiceClient, container: string): Promise<Record<string, Record<string, unknown>[]>> {
  const dir = mkdtempSync(join(tmpdir(), "curated-"));
  try {
    const client = lake.getContainerClient(container);
    const collections = new Set<string>();
    for await (const blob of client.listBlobsFlat()) {
      const file = join(dir, blob.name);
      mkdirSync(dirname(file), { recursive: true });
      await client.getBlobClient(blob.name).downloadToFile(file);
      collections.add(blob.name.split("/")[0]!);
    }
    const conn = await (await DuckDBInstance.create(":memory:")).connect();
    const read = (c: string) => `read_parquet('${dir}/${c}/**/*.parquet', hive_partitioning = true, union_by_name = true)`;
    const rows = async (sql: string) => (await conn.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
    const out: Record<string, Record<string, unknown>[]> = {};
    out["rows per collection"] = [];
    for (const c of [...collections].sort()) {
      const [r] = await rows(`SELECT count(*) AS n, count(DISTINCT date) AS days, min(created_at) AS first, max(created_at) AS last FROM ${read(c)}`);
      out["rows per collection"].push({ collection: c, rows: Number(r!.n), days: Number(r!.days), first: r!.first, last: r!.last });
    }
    if (collections.has("messages")) {
      out["messages: quality by category"] = await rows(
        `SELECT category, count(*)::INT AS messages, round(avg(quality_score), 3) AS avg_quality, count(quality_score)::INT AS scored
         FROM ${read("messages")} GROUP BY category ORDER BY category`,
      );
      out["messages: column types"] = (await rows(`DESCRIBE SELECT * FROM ${read("messages")}`)).map((r) => ({ column: r.column_name, type: r.column_type }));
    }
    conn.closeSync();
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
