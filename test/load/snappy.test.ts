import { createRequire } from "node:module";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { PARQUET_COMPRESSION_METHODS } from "@dsnp/parquetjs/dist/lib/compression.js";
import { loadNativeSnappy, useFastestSnappy } from "../../lib/load/snappy.js";
import { curatedFile, queryParquet } from "../fixtures/parquet-file.js";

// parquetjs's own decoder (its dependency, untyped).
const snappyjs = createRequire(import.meta.url)("snappyjs") as { compress(b: Buffer): Uint8Array; uncompress(b: Buffer): Uint8Array };
const loadSnappy = () => createRequire(import.meta.url)("snappy") as unknown;
/** What DuckDB (an independent reader with its own Snappy decoder) reads from a file. */
const readBack = (file: Buffer) =>
  queryParquet(file, "SELECT count(*)::INT AS n, sum(length(ai_response))::INT AS chars, max(created_at)::VARCHAR AS last FROM read_parquet($file)");

const deflate = (value: Buffer) => PARQUET_COMPRESSION_METHODS.SNAPPY!.deflate(value) as Buffer;

const messagesFile = () =>
  curatedFile(
    "messages",
    Array.from({ length: 300 }, (_, i) => ({ id: i.toString(16).padStart(24, "0"), category: "question", created_at: new Date(Date.UTC(2026, 10, 30, 0, 0, i)), ai_response: `answer ${i} `.repeat(40), etl_run_id: "r" })),
    100,
  );

describe("Snappy pages", () => {
  afterAll(() => useFastestSnappy(loadSnappy));

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
