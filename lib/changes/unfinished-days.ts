import { RestError, type TableClient } from "@azure/data-tables";
import { z } from "zod";

/**
 * Days a reconcile repair may have left showing both its replacement and the files it supersedes
 * (stopped between the two, a reconcile has no replay of its own): rows `unfinished-{collection}`
 * of the watermarks table, written before the rewrite and removed after it. The next change pass
 * rewrites each such day (curated rebuilt from raw, the rest retired) and removes the row.
 */
const entitySchema = z.object({ rowKey: z.iso.date() });
const pk = (collection: string) => `unfinished-${collection}`;

export class UnfinishedDays {
  constructor(private readonly table: TableClient) {}

  async add(collection: string, day: string, by: string): Promise<void> {
    await this.table.upsertEntity({ partitionKey: pk(collection), rowKey: day, by }, "Replace");
  }

  async list(collection: string): Promise<string[]> {
    const days: string[] = [];
    for await (const e of this.table.listEntities({ queryOptions: { filter: `PartitionKey eq '${pk(collection)}'` } })) {
      const parsed = entitySchema.safeParse(e);
      if (parsed.success) days.push(parsed.data.rowKey);
    }
    return days;
  }

  async remove(collection: string, day: string): Promise<void> {
    try {
      await this.table.deleteEntity(pk(collection), day);
    } catch (err) {
      if (!(err instanceof RestError && err.statusCode === 404)) throw err;
    }
  }
}
