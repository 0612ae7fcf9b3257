import { RestError, type TableClient } from "@azure/data-tables";
import { BSON } from "mongodb";
import { z } from "zod";

/**
 * The change mark per collection, beside the watermarks (same table, partition `changes`): the
 * (change time, _id) of the last committed changed document, and the change pass in flight. The
 * same protocol as the watermark: claim (pending) → write files → ETag-conditional commit; a
 * crashed pass is replayed with its own runId and upper bound.
 */
const entitySchema = z.object({
  partitionKey: z.literal("changes"),
  rowKey: z.string(),
  lastChangedAt: z.iso.datetime().optional(),
  lastId: z.string().optional(),
  pendingRunId: z.string().optional(),
  pendingUpper: z.iso.datetime().optional(),
  pendingSince: z.iso.datetime().optional(),
  etag: z.string().optional(),
});
type ChangeMarkEntity = z.infer<typeof entitySchema>;

export interface ChangeKey {
  changedAt: Date;
  id: unknown;
}

export interface ChangeMarkState {
  collection: string;
  last?: ChangeKey;
  pending?: { runId: string; upper: Date; since: Date };
  etag?: string;
}

export class ChangeMarkConflictError extends Error {
  constructor(collection: string) {
    super(`Change mark of ${collection} changed during the pass (another writer); nothing was committed and the next pass replays it`);
    this.name = "ChangeMarkConflictError";
  }
}

const PK = "changes";
const isStatus = (err: unknown, status: number) => err instanceof RestError && err.statusCode === status;

function toState(collection: string, e: ChangeMarkEntity): ChangeMarkState {
  return {
    collection,
    last: e.lastChangedAt && e.lastId ? { changedAt: new Date(e.lastChangedAt), id: BSON.EJSON.parse(e.lastId, { relaxed: false }).v } : undefined,
    pending:
      e.pendingRunId && e.pendingUpper
        ? { runId: e.pendingRunId, upper: new Date(e.pendingUpper), since: new Date(e.pendingSince ?? e.pendingUpper) }
        : undefined,
    etag: e.etag,
  };
}

export class ChangeMarkStore {
  constructor(private readonly table: TableClient) {}

  async read(collection: string): Promise<ChangeMarkState> {
    try {
      const parsed = entitySchema.safeParse(await this.table.getEntity(PK, collection));
      if (!parsed.success) {
        throw new Error(
          `Change mark ${collection} in table ${this.table.tableName} is malformed (${parsed.error.issues[0]?.message}); ` +
            "delete the row (the next pass starts at the insert watermark) and reconcile the collection",
        );
      }
      return toState(collection, parsed.data);
    } catch (err) {
      if (isStatus(err, 404)) return { collection };
      throw err;
    }
  }

  /** Writes `next` only if the row is still as read; returns the new ETag. */
  async write(expected: ChangeMarkState, next: Omit<ChangeMarkState, "etag">): Promise<string> {
    const entity: ChangeMarkEntity = {
      partitionKey: PK,
      rowKey: next.collection,
      lastChangedAt: next.last?.changedAt.toISOString(),
      lastId: next.last ? BSON.EJSON.stringify({ v: next.last.id }, { relaxed: false }) : undefined,
      pendingRunId: next.pending?.runId,
      pendingUpper: next.pending?.upper.toISOString(),
      pendingSince: next.pending?.since.toISOString(),
    };
    const clean = Object.fromEntries(Object.entries(entity).filter(([, v]) => v !== undefined)) as ChangeMarkEntity;
    try {
      const response = expected.etag ? await this.table.updateEntity(clean, "Replace", { etag: expected.etag }) : await this.table.createEntity(clean);
      return response.etag ?? "";
    } catch (err) {
      if (isStatus(err, 412) || isStatus(err, 409)) throw new ChangeMarkConflictError(next.collection);
      throw err;
    }
  }
}
