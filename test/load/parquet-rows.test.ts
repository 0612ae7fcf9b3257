import { PassThrough } from "node:stream";
import type { WriteStream } from "node:fs";
import parquet from "@dsnp/parquetjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { collections, curatedColumns, type ColumnDef } from "../../lib/collections/index.js";
import { FlatParquetWriter } from "../../lib/load/parquet-rows.js";
import { parquetSchema } from "../../lib/load/parquet-schema.js";
import type { CuratedRow } from "../../lib/transform/curated-row.js";

type Row = CuratedRow;

function collect(): { stream: PassThrough; bytes: () => Buffer } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c));
  return { stream, bytes: () => Buffer.concat(chunks) };
}

const sizes = { rowGroupSize: 7, pageSize: 3 };

/** The file parquetjs writes on its own (appendRow for every row). */
async function reference(columns: readonly ColumnDef[], rows: Row[]): Promise<Buffer> {
  const out = collect();
  const writer = await parquet.ParquetWriter.openStream(parquetSchema(columns, "SNAPPY"), out.stream as unknown as WriteStream, sizes);
  writer.setPageSize(sizes.pageSize);
  for (const row of rows) await writer.appendRow(row);
  await writer.close();
  return out.bytes();
}

async function flat(columns: readonly ColumnDef[], rows: Row[]): Promise<Buffer> {
  const out = collect();
  const writer = await FlatParquetWriter.openStream(parquetSchema(columns, "SNAPPY"), out.stream, sizes);
  for (const row of rows) await writer.appendRow(row);
  await writer.close();
  return out.bytes();
}

const text = fc.string({ unit: "binary", maxLength: 40 });
const valueOf: Record<ColumnDef["type"], fc.Arbitrary<Row[string]>> = {
  string: text,
  id: fc.stringMatching(/^[0-9a-f]{24}$/),
  json: text.map((s) => JSON.stringify({ s })),
  timestamp: fc.date({ noInvalidDate: true }),
  double: fc.double(),
  int64: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  boolean: fc.boolean(),
};

function rowOf(columns: readonly ColumnDef[]): fc.Arbitrary<Row> {
  const record: Record<string, fc.Arbitrary<Row[string]>> = {};
  for (const c of columns) record[c.name] = c.required ? valueOf[c.type] : fc.option(valueOf[c.type], { nil: null });
  return fc.record(record);
}

describe("FlatParquetWriter", () => {
  for (const spec of collections) {
    it(`writes ${spec.name} files byte for byte as parquetjs does (pages and row groups split, nulls, every type)`, async () => {
      const columns = curatedColumns(spec);
      await fc.assert(
        fc.asyncProperty(fc.array(rowOf(columns), { maxLength: 30 }), async (rows) => {
          expect((await flat(columns, rows)).equals(await reference(columns, rows))).toBe(true);
        }),
        { numRuns: 25 },
      );
    });
  }

  it("refuses a row without a required column and leaves the rows before it intact", async () => {
    const columns = curatedColumns(collections.find((c) => c.name === "messages")!);
    const [good] = fc.sample(rowOf(columns), { numRuns: 1, seed: 3 }) as [Row];
    const out = collect();
    const writer = await FlatParquetWriter.openStream(parquetSchema(columns, "SNAPPY"), out.stream, sizes);
    await writer.appendRow(good);
    expect(() => writer.appendRow({ ...good, id: null })).toThrow("missing required field: id");
    await writer.appendRow(good);
    await writer.close();
    expect(out.bytes().equals(await reference(columns, [good, good]))).toBe(true);
  });

  it("refuses a nested schema", async () => {
    const schema = new parquet.ParquetSchema({ a: { fields: { b: { type: "UTF8" } } } });
    await expect(FlatParquetWriter.openStream(schema, new PassThrough(), sizes)).rejects.toThrow("column a is not flat");
  });
});
