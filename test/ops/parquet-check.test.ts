import { describe, expect, it } from "vitest";
import { parquetCheck } from "../../lib/ops/check.js";

describe("the curated parquet line of etl check", () => {
  it("warns, with the fix, when SNAPPY pages fall back to snappyjs", () => {
    expect(parquetCheck("SNAPPY", "snappyjs")).toEqual({
      check: "curated parquet",
      level: "warn",
      detail: "SNAPPY pages by snappyjs: the native snappy binary did not load (same files, ~10× the CPU per page)",
      fix: "install the package on the platform it runs on (npm install puts the optional @napi-rs/snappy-<platform> binary in node_modules)",
    });
  });

  it("is ok with the native encoder, and for GZIP, which never needs it", () => {
    expect(parquetCheck("SNAPPY", "native")).toMatchObject({ level: "ok", detail: "SNAPPY pages, native encoder (snappy)" });
    expect(parquetCheck("GZIP")).toMatchObject({ level: "ok", detail: "GZIP pages (node:zlib)" });
  });
});
