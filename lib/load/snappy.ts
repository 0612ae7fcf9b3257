import { createRequire } from "node:module";
// parquetjs's codec table, which its writer reads at every page: the one place a codec is chosen.
import { PARQUET_COMPRESSION_METHODS } from "@dsnp/parquetjs/dist/lib/compression.js";

type Compress = (value: Buffer) => Buffer;
interface SnappyModule {
  compressSync(value: Buffer): Buffer;
  uncompressSync(value: Buffer): Buffer | string;
}

const requireHere = createRequire(import.meta.url);

/**
 * The native Snappy encoder (napi-rs `snappy`, a prebuilt binary per platform), or undefined where
 * it cannot load (a platform without a binary, a package left out): the caller keeps snappyjs.
 * A binary that loads but does not round-trip a probe is not used either.
 */
export function loadNativeSnappy(load: () => unknown = () => requireHere("snappy")): Compress | undefined {
  try {
    const snappy = load() as SnappyModule;
    const probe = Buffer.from("snappy probe, snappy probe, snappy probe");
    if (!Buffer.from(snappy.uncompressSync(snappy.compressSync(probe)) as Buffer).equals(probe)) return undefined;
    return (value) => snappy.compressSync(value);
  } catch {
    return undefined;
  }
}

const snappyjs = PARQUET_COMPRESSION_METHODS.SNAPPY!.deflate;
let encoder: "native" | "snappyjs" | undefined;

/**
 * SNAPPY pages are compressed natively when the binary loads, else by parquetjs's snappyjs (pure
 * JavaScript, ~10× slower per page: ~2 % of a run's CPU). Both write Snappy's raw format, which
 * every Parquet reader (and snappyjs) decodes; decoding stays parquetjs's. Idempotent; says which
 * one is in use.
 */
export function useFastestSnappy(load?: () => unknown): "native" | "snappyjs" {
  if (encoder && !load) return encoder;
  const native = loadNativeSnappy(load);
  PARQUET_COMPRESSION_METHODS.SNAPPY!.deflate = native ?? snappyjs;
  encoder = native ? "native" : "snappyjs";
  return encoder;
}
