import parquet from "@dsnp/parquetjs";
import type { BlobClient } from "@azure/storage-blob";

/**
 * Reads curated Parquet back with the writer's own library (a runtime dependency; DuckDB is for
 * tests). Rows come one file at a time, so memory holds one file, not the lake.
 */
export async function* curatedRows(blob: BlobClient): AsyncGenerator<Record<string, unknown>> {
  const reader = await parquet.ParquetReader.openBuffer(await blob.downloadToBuffer());
  try {
    const cursor = reader.getCursor();
    for (let row = await cursor.next(); row; row = await cursor.next()) yield row as Record<string, unknown>;
  } finally {
    await reader.close();
  }
}

/** A curated file's row count from its footer alone: two small range reads, not the file. */
export async function curatedRowCount(blob: BlobClient, size: number): Promise<number> {
  const envelope = new parquet.ParquetEnvelopeReader(
    (offset, length) => blob.downloadToBuffer(offset, length),
    () => undefined,
    size,
  );
  const reader = await parquet.ParquetReader.openEnvelopeReader(envelope);
  try {
    return Number(reader.getRowCount());
  } finally {
    await reader.close();
  }
}

/** Lines of a JSONL blob (quarantine is small by design: it is read whole). */
export async function jsonlLines(blob: BlobClient): Promise<string[]> {
  return (await blob.downloadToBuffer()).toString("utf8").split("\n").filter(Boolean);
}
