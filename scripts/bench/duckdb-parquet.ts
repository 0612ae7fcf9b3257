/**
 * Bench child: DuckDB's JSON reader and native Parquet writer (SNAPPY) over the same rows, the
 * reference for what encoding these rows costs in C++. Args: <input.jsonl> <output.parquet>.
 * Prints the row count written.
 */
import { DuckDBInstance } from "@duckdb/node-api";

const [input, output] = process.argv.slice(2) as [string, string];
const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;
const db = await DuckDBInstance.create(":memory:");
const conn = await db.connect();
await conn.run(`COPY (SELECT * FROM read_json_auto(${quote(input)})) TO ${quote(output)} (FORMAT parquet, COMPRESSION snappy)`);
const rows = await conn.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM read_parquet(${quote(output)})`);
console.log(rows.getRowObjectsJS()[0]!.n);
