import type { TableClient, TransactionAction } from "@azure/data-tables";
import { ObjectId } from "mongodb";
import { z } from "zod";
import { utcDay } from "../load/lake-paths.js";
import { idText } from "../rewrite/index.js";

/**
 * The days a document was placed on that are not its ObjectId's creation day (rows
 * `placed-{collection}` of the watermarks table, one per (document, day)). The change pass needs the
 * old day of a moved document to retire it there: its ObjectId's day plus these. Every placer (insert
 * window, backfill/compaction rebuild, reconcile, change pass) adds a row for each document it writes
 * off its ObjectId's day — any non-ObjectId _id, or a createdAt on another day — before its commit;
 * only the change pass, having retired a moved document everywhere else, removes rows. Rows only
 * ever make the pass look in a day too many (a read), never too few, so adding is idempotent and
 * needs no read; a purged or erased document's rows are such harmless extras.
 */
const entitySchema = z.object({ rowKey: z.string(), id: z.string(), day: z.iso.date() });

const pk = (collection: string) => `placed-${collection}`;
/** base64url never holds '.', so `{id}.{day}` is unambiguous; rows of the first form had no day suffix. */
const rowKey = (id: string, day: string) => `${Buffer.from(id).toString("base64url")}.${day}`;
/** A Table transaction holds at most 100 operations of one partition key. */
const BATCH = 100;
const LOOKUP_ONE_BY_ONE = 200;
const LOOKUP_PARALLEL = 16;

/** The day an ObjectId _id was created: where the hourly run placed it unless createdAt said otherwise. */
export function idDay(id: unknown): string | undefined {
  return id instanceof ObjectId ? utcDay(id.getTimestamp()) : undefined;
}

/** One recorded placement: the day and the row that says it. */
export interface Placement {
  day: string;
  rowKey: string;
}

/** Collects the documents a placer writes off their ObjectId's day (cheap per document: no I/O). */
export class OffDayPlacements {
  private readonly rows = new Map<string, { id: string; day: string }>();

  note(id: unknown, day: string): void {
    if (idDay(id) === day) return;
    const text = idText(id);
    this.rows.set(rowKey(text, day), { id: text, day });
  }

  get size(): number {
    return this.rows.size;
  }

  entries(): { rowKey: string; id: string; day: string }[] {
    return [...this.rows].map(([key, row]) => ({ rowKey: key, ...row }));
  }
}

export class PlacementStore {
  constructor(private readonly table: TableClient) {}

  /** Canonical id text → the days recorded for it. */
  async load(collection: string): Promise<Map<string, Placement[]>> {
    const out = new Map<string, Placement[]>();
    for await (const e of this.table.listEntities({ queryOptions: { filter: `PartitionKey eq '${pk(collection)}'` } })) {
      const parsed = entitySchema.safeParse(e);
      if (!parsed.success) continue;
      const list = out.get(parsed.data.id) ?? out.set(parsed.data.id, []).get(parsed.data.id)!;
      list.push({ day: parsed.data.day, rowKey: parsed.data.rowKey });
    }
    return out;
  }

  /**
   * The recorded days of these documents: one range query each (its rows share a key prefix) while
   * they are few, so a pass costs its own changes and not the table's size (a migrated collection
   * can hold a row for every document); past LOOKUP_ONE_BY_ONE, one read of all.
   */
  async lookup(collection: string, ids: unknown[]): Promise<Map<string, Placement[]>> {
    if (ids.length > LOOKUP_ONE_BY_ONE) return this.load(collection);
    const out = new Map<string, Placement[]>();
    const texts = [...new Set(ids.map(idText))];
    for (let i = 0; i < texts.length; i += LOOKUP_PARALLEL) {
      await Promise.all(
        texts.slice(i, i + LOOKUP_PARALLEL).map(async (id) => {
          const prefix = Buffer.from(id).toString("base64url");
          // '/' follows '.' in ASCII: the id's own rows, its first-form row, and ids that extend its prefix with '-' (dropped by id).
          const filter = `PartitionKey eq '${pk(collection)}' and RowKey ge '${prefix}' and RowKey lt '${prefix}/'`;
          for await (const e of this.table.listEntities({ queryOptions: { filter } })) {
            const parsed = entitySchema.safeParse(e);
            if (!parsed.success || parsed.data.id !== id) continue;
            const list = out.get(id) ?? out.set(id, []).get(id)!;
            list.push({ day: parsed.data.day, rowKey: parsed.data.rowKey });
          }
        }),
      );
    }
    return out;
  }

  /** A placer's off-day documents: one upsert each, batched (replays write the same rows again). */
  async add(collection: string, placements: OffDayPlacements): Promise<void> {
    const actions: TransactionAction[] = placements
      .entries()
      .map((row) => ["upsert", { partitionKey: pk(collection), rowKey: row.rowKey, id: row.id, day: row.day }, "Replace"]);
    await this.submit(actions);
  }

  /**
   * After the change pass retired moved documents on every other day: each one's rows become just
   * its new day (none when that is its ObjectId's day). Writes nothing for a document already so.
   */
  async settle(collection: string, moves: { id: unknown; day: string }[], recorded: Map<string, Placement[]>): Promise<void> {
    const actions = new Map<string, TransactionAction>();
    for (const move of moves) {
      const id = idText(move.id);
      const keep = idDay(move.id) === move.day ? undefined : rowKey(id, move.day);
      const rows = recorded.get(id) ?? [];
      for (const row of rows) if (row.rowKey !== keep) actions.set(row.rowKey, ["delete", { partitionKey: pk(collection), rowKey: row.rowKey }]);
      if (keep && !rows.some((row) => row.rowKey === keep)) actions.set(keep, ["upsert", { partitionKey: pk(collection), rowKey: keep, id, day: move.day }, "Replace"]);
    }
    await this.submit([...actions.values()]);
  }

  private async submit(actions: TransactionAction[]): Promise<void> {
    for (let i = 0; i < actions.length; i += BATCH) {
      const batch = actions.slice(i, i + BATCH);
      try {
        await this.table.submitTransaction(batch);
      } catch {
        // One delete of a row already gone fails the whole transaction: apply them one by one.
        for (const action of batch) {
          if (action[0] === "delete") await this.table.deleteEntity(action[1].partitionKey!, action[1].rowKey!).catch(() => undefined);
          else await this.table.upsertEntity(action[1], "Replace");
        }
      }
    }
  }
}
