import type { WriteStream } from "node:fs";
// parquetjs's writer modules, not its index: the index also loads the reader and the AWS S3 SDK.
import parquetTypes from "@dsnp/parquetjs/dist/lib/types.js";
import { ParquetWriter } from "@dsnp/parquetjs/dist/lib/writer.js";
import type { ParquetSchema } from "@dsnp/parquetjs/dist/lib/schema.js";
import type { CuratedRow } from "../transform/curated-row.js";
import { useFastestSnappy } from "./snappy.js";

useFastestSnappy();

type Schema = ParquetSchema;
type Writer = ParquetWriter;

interface ColumnBuffer {
  dlevels: number[];
  rlevels: number[];
  values: unknown[];
  distinct_values: Set<unknown>;
  count: number;
}

/** parquetjs's buffered row group (writer.rowBuffer), as its shredder fills it. */
interface RowBuffer {
  rowCount?: number;
  pageRowCount?: number;
  columnData?: Record<string, ColumnBuffer>;
  pages?: Record<string, unknown[]>;
}

interface FlatField {
  name: string;
  required: boolean;
  dLevelMax: number;
  /** Whether parquetjs keeps min/max for it (a column with `statistics: false` needs no distinct values). */
  statistics: boolean;
  toPrimitive: (value: unknown) => unknown;
}

/**
 * A parquetjs writer for flat rows (every curated schema: top-level, non-repeated columns) that
 * shreds each row straight into the writer's row buffer. parquetjs's own shredder is generic
 * (nested, repeated): per row it allocates a buffer per column (three arrays and a Set) and then
 * copies them over, which made it the largest cost of a run. Encoding, compression, statistics and
 * the file layout stay parquetjs's: a row that fills a page or a row group goes through its
 * appendRow, which encodes and writes it, so the file is byte for byte what parquetjs writes
 * (test/load/parquet-rows.test.ts proves it).
 */
export class FlatParquetWriter {
  private readonly fields: FlatField[];

  private constructor(
    private readonly writer: Writer,
    schema: Schema,
    private readonly pageSize: number,
  ) {
    this.fields = schema.fieldList.map((field) => {
      if (field.isNested || field.repetitionType === "REPEATED" || field.rLevelMax !== 0) throw new Error(`FlatParquetWriter: column ${field.name} is not flat`);
      const type = (field.originalType ?? field.primitiveType)!;
      // The conversion parquetjs's shredder applies to this column (parquetTypes.toPrimitive), resolved once.
      const convert = parquetTypes.getParquetTypeDataObject(type as never, field).toPrimitive as (value: unknown) => unknown;
      // UTF8 strings stay strings: the PLAIN encoder takes Buffer.from() of each value anyway, so the
      // bytes are the same and one copy of every text value is saved.
      const toPrimitive = type === "UTF8" ? (value: unknown) => (typeof value === "string" ? value : convert(value)) : convert;
      const statistics = (field as { statistics?: unknown }).statistics !== false;
      return { name: field.name, required: field.repetitionType === "REQUIRED", dLevelMax: field.dLevelMax, statistics, toPrimitive };
    });
  }

  static async openStream(schema: Schema, stream: NodeJS.WritableStream, options: { rowGroupSize: number; pageSize?: number }): Promise<FlatParquetWriter> {
    const writer = await ParquetWriter.openStream(schema, stream as unknown as WriteStream, options);
    const pageSize = options.pageSize ?? (writer.envelopeWriter as unknown as { pageSize: number }).pageSize;
    if (options.pageSize !== undefined) writer.setPageSize(options.pageSize);
    return new FlatParquetWriter(writer, schema, pageSize);
  }

  /** Adds a row; resolves at once unless the row completes a page or row group (then parquetjs encodes). */
  appendRow(row: CuratedRow): Promise<void> | undefined {
    const buffer = this.writer.rowBuffer as RowBuffer;
    // A row that reaches a page or row-group boundary takes parquetjs's path, which flushes.
    if ((buffer.rowCount ?? 0) + 1 >= this.writer.rowGroupSize || (buffer.pageRowCount ?? 0) + 1 >= this.pageSize) {
      return this.writer.appendRow(row);
    }
    this.shred(row, buffer);
    return undefined;
  }

  close(): Promise<void> {
    return this.writer.close();
  }

  private shred(row: CuratedRow, buffer: RowBuffer): void {
    const fields = this.fields;
    // Convert and check the whole row before touching the buffer: a bad row leaves it unchanged.
    const values = new Array<unknown>(fields.length);
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i]!;
      const value = row[field.name];
      if (value === undefined || value === null) {
        if (field.required) throw new Error(`missing required field: ${field.name}`);
        values[i] = undefined;
      } else {
        values[i] = field.toPrimitive(value);
      }
    }
    if (!buffer.columnData) {
      buffer.rowCount = 0;
      buffer.pageRowCount = 0;
      buffer.columnData = {};
      buffer.pages = {};
      for (const field of fields) {
        buffer.columnData[field.name] = { dlevels: [], rlevels: [], values: [], distinct_values: new Set(), count: 0 };
        buffer.pages[field.name] = [];
      }
    }
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i]!;
      const column = buffer.columnData[field.name]!;
      const primitive = values[i];
      // No repetition levels: parquetjs encodes them only for columns with rLevelMax > 0 (none here).
      column.count += 1;
      if (primitive === undefined) {
        column.dlevels.push(0);
      } else {
        column.dlevels.push(field.dLevelMax);
        column.values.push(primitive);
        if (field.statistics) column.distinct_values.add(row[field.name]);
      }
    }
    buffer.rowCount! += 1;
    buffer.pageRowCount! += 1;
  }
}
