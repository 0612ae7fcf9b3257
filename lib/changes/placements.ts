import type { TableClient } from "@azure/data-tables";
import { ObjectId } from "mongodb";
import { z } from "zod";
import { utcDay } from "../load/lake-paths.js";
import { idText } from "../rewrite/index.js";

/**
 * Where a document sits when that is not where its _id says: the day of a document whose createdAt
 * moved off its ObjectId's creation day (rows `placed-{collection}` of the watermarks table). The
 * change pass needs the old day of a moved document to retire it there; for most documents it is
 * the ObjectId's day, so only the exceptions are stored, and one query reads them all.
 */
const entitySchema = z.object({ rowKey: z.string(), id: z.string(), day: z.iso.date() });

const pk = (collection: string) => `placed-${collection}`;
const rowKey = (id: string) => Buffer.from(id).toString("base64url");

/** The day an ObjectId _id was created: where the hourly run placed it unless createdAt said otherwise. */
export function idDay(id: unknown): string | undefined {
  return id instanceof ObjectId ? utcDay(id.getTimestamp()) : undefined;
}

export class PlacementStore {
  constructor(private readonly table: TableClient) {}

  /** Canonical id text → day. */
  async load(collection: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for await (const e of this.table.listEntities({ queryOptions: { filter: `PartitionKey eq '${pk(collection)}'` } })) {
      const parsed = entitySchema.safeParse(e);
      if (parsed.success) out.set(parsed.data.id, parsed.data.day);
    }
    return out;
  }

  /** Records the new day of documents that moved; forgets those back on their ObjectId's day. */
  async record(collection: string, moves: { id: unknown; day: string }[]): Promise<void> {
    for (const move of moves) {
      const id = idText(move.id);
      if (idDay(move.id) === move.day) {
        await this.table.deleteEntity(pk(collection), rowKey(id)).catch(() => undefined);
      } else {
        await this.table.upsertEntity({ partitionKey: pk(collection), rowKey: rowKey(id), id, day: move.day }, "Replace");
      }
    }
  }
}
