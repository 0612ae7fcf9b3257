import { ObjectId } from "mongodb";
import type { LakeTarget } from "../load/partition-files.js";
import { toJsonText } from "../transform/bson-values.js";

/** The curated `id` text of a MongoDB _id, as the transform writes it (lib/transform/curated-row.ts). */
export function curatedId(id: unknown): string {
  if (id instanceof ObjectId) return id.toHexString();
  if (typeof id === "string" && id.length > 0) return id;
  return toJsonText(id);
}

/** How many rows carry each id across the given curated files (reads the id column only). */
export async function curatedIdCounts(target: LakeTarget, blobNames: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const { default: parquet } = await import("@dsnp/parquetjs"); // the reader, only where ids are compared
  const container = target.lake.getContainerClient(target.containers.curated);
  for (const name of blobNames) {
    const buffer = await container.getBlobClient(name).downloadToBuffer();
    const reader = await parquet.ParquetReader.openBuffer(buffer);
    try {
      const cursor = reader.getCursor([["id"]]);
      for (let row = (await cursor.next()) as { id?: unknown } | null; row; row = (await cursor.next()) as { id?: unknown } | null) {
        const id = String(row.id);
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
    } finally {
      await reader.close();
    }
  }
  return counts;
}
