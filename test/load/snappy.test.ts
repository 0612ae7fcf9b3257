import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { DuckDBInstance } from "@duckdb/node-api";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { PARQUET_COMPRESSION_METHODS } from "@dsnp/parquetjs/dist/lib/compression.js";
import { curatedColumns, getCollection } from "../../lib/collections/index.js";
import { FlatParquetWriter } from "../../lib/load/parquet-rows.js";
import { parquetSchema } from "../../lib/load/parquet-schema.js";
import { loadNativeSnappy, useFastestSnappy } from "../../lib/load/snappy.js";

// parquetjs's own decoder (its dependency, untyped).
const snappyjs = createRequire(import.meta.url)("snappyjs") as { compress(b: Buffer): Uint8Array; uncompress(b: Buffer): Uint8Array };
const loadSnappy = () => createRequire(import.meta.url)("snappy") as unknown;
const dir = mkdtempSync(join(tmpdir(), "snappy-"));

/** What DuckDB (an independent reader with its own Snappy decoder) reads from a file. */
async function readBack(file: Buffer): Promise<unknown[]> {
  const path = join(dir, `f${Math.random().toString(36).slice(2)}.parquet`);
  writeFileSync(path, file);
  const conn = await (await DuckDBInstance.create(":memory:")).connect();
  const rows = (await conn.runAndReadAll(`SELECT count(*)::INT AS n, sum(length(ai_response))::INT AS chars, max(created_at)::VARCHAR AS last FROM read_parquet('${path}')`)).getRowObjectsJS();
  conn.closeSync();
  return rows;
}

const deflate = (value: Buffer) => PARQUET_COMPRESSION_METHODS.SNAPPY!.deflate(value) as Buffer;

async function messagesFile(): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  const writer = await FlatParquetWriter.openStream(parquetSchema(curatedColumns(getCollection("messages")), "SNAPPY"), out, { rowGroupSize: 100 });
  for (let i = 0; i < 300; i++) {
    await writer.appendRow({ id: i.toString(16).padStart(24, "0"), category: "question", created_at: new Date(Date.UTC(2026, 10, 30, 0, 0, i)), ai_response: `answer ${i} `.repeat(40), etl_run_id: "r" });
  }
  await writer.close();
  return Buffer.concat(chunks);
}

describe("Snappy pages", () => {
  afterAll(() => {
    useFastestSnappy(loadSnappy);
    rmSync(dir, { recursive: true, force: true });
  });

  it("are compressed natively on this platform, in the raw format snappyjs (parquetjs's decoder) reads", () => {
    expect(useFastestSnappy()).toBe("native");
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70_000 }), fc.nat(40), (bytes, repeat) => {
        const input = Buffer.concat([Buffer.from(bytes), Buffer.alloc(repeat * 100, 7)]);
        expect(Buffer.from(snappyjs.uncompress(deflate(input))).equals(input)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it("fall back to snappyjs when the native binary cannot load or does not round-trip, and write the same file as before", async () => {
    const native = await messagesFile();
    expect(loadNativeSnappy(() => { throw new Error("Cannot find module '@napi-rs/snappy-linux-x64-gnu'"); })).toBeUndefined();
    expect(loadNativeSnappy(() => ({ compressSync: (b: Buffer) => b, uncompressSync: () => Buffer.from("garbage") }))).toBeUndefined();
    expect(useFastestSnappy(() => { throw new Error("no binary"); })).toBe("snappyjs");
    const input = Buffer.from("the fallback is parquetjs's own snappyjs encoder ".repeat(20));
    expect(deflate(input).equals(Buffer.from(snappyjs.compress(input)))).toBe(true);
    const fallback = await messagesFile();
    // Same rows whichever encoder wrote them; only the compressed page bytes may differ.
    const expected = [{ n: 300, chars: 300 * "answer 0 ".length * 40 + (300 - 10) * 40 + (300 - 100) * 40, last: "2026-11-30 00:04:59" }];
    expect(await readBack(native)).toEqual(expected);
    expect(await readBack(fallback)).toEqual(expected);
    expect(useFastestSnappy(loadSnappy)).toBe("native");
    expect((await messagesFile()).equals(native)).toBe(true);
  });
});
