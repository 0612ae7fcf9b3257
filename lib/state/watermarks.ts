import { RestError, type TableClient } from "@azure/data-tables";
import { BSON } from "mongodb";
import { z } from "zod";
import type { DocKey } from "../extract/window.js";

/**
 * Watermark per collection in Table Storage: the (createdAt, _id) of the last committed document,
 * the upper bound of the last committed window, and the window in flight (pending) if any.
 */
const entitySchema = z.object({
  partitionKey: z.literal("watermark"),
  rowKey: z.string(),
  lastCreatedAt: z.iso.datetime().optional(),
  lastId: z.string().optional(),
  windowUpper: z.iso.datetime().optional(),
  pendingRunId: z.string().optional(),
  pendingUpper: z.iso.datetime().optional(),
  pendingSince: z.iso.datetime().optional(),
  pendingFrom: z.iso.datetime().optional(),
  etag: z.string().optional(),
});
type WatermarkEntity = z.infer<typeof entitySchema>;

export interface PendingWindow {
  runId: string;
  /** Lower bound used when there was no watermark yet, so a replay reads the same window. */
  from: Date;
  upper: Date;
  since: Date;
}

export interface WatermarkState {
  collection: string;
  last?: DocKey;
  windowUpper?: Date;
  pending?: PendingWindow;
  /** ETag of the row as read; absent when the collection has never run. */
  etag?: string;
}

export class WatermarkConflictError extends Error {
  constructor(collection: string) {
    super(
      `Watermark for ${collection} changed during the run (another writer or a manual edit); ` +
        "nothing was committed and the next run replays the window.",
    );
    this.name = "WatermarkConflictError";
  }
}

const PK = "watermark";

function toState(collection: string, e: WatermarkEntity): WatermarkState {
  return {
    collection,
    last:
      e.lastCreatedAt && e.lastId
        ? { createdAt: new Date(e.lastCreatedAt), id: BSON.EJSON.parse(e.lastId, { relaxed: false }).v }
        : undefined,
    windowUpper: e.windowUpper ? new Date(e.windowUpper) : undefined,
    pending:
      e.pendingRunId && e.pendingUpper
        ? {
            runId: e.pendingRunId,
            from: new Date(e.pendingFrom ?? e.pendingUpper),
            upper: new Date(e.pendingUpper),
            since: new Date(e.pendingSince ?? e.pendingUpper),
          }
        : undefined,
    etag: e.etag,
  };
}

function toEntity(state: Omit<WatermarkState, "etag">): WatermarkEntity {
  return {
    partitionKey: PK,
    rowKey: state.collection,
    lastCreatedAt: state.last?.createdAt.toISOString(),
    lastId: state.last ? BSON.EJSON.stringify({ v: state.last.id }, { relaxed: false }) : undefined,
    windowUpper: state.windowUpper?.toISOString(),
    pendingRunId: state.pending?.runId,
    pendingUpper: state.pending?.upper.toISOString(),
    pendingSince: state.pending?.since.toISOString(),
    pendingFrom: state.pending?.from.toISOString(),
  };
}

const isStatus = (err: unknown, status: number) => err instanceof RestError && err.statusCode === status;

export class WatermarkStore {
  constructor(private readonly table: TableClient) {}

  async read(collection: string): Promise<WatermarkState> {
    try {
      const entity = await this.table.getEntity(PK, collection);
      const parsed = entitySchema.safeParse(entity);
      if (!parsed.success) {
        throw new Error(
          `Watermark row ${collection} in table ${this.table.tableName} is malformed ` +
            `(${parsed.error.issues[0]?.path.join(".") || "row"}: ${parsed.error.issues[0]?.message}); the collection does not run until it is fixed. ` +
            "Correct that field (lastCreatedAt/windowUpper are ISO-8601 instants, lastId is canonical Extended JSON {\"v\": <_id>}). " +
            "Do not delete the row: without it the run refuses while the lake holds files; if the values are lost, " +
            "recover with a full backfill with repairWatermark: true over the days the lake holds.",
        );
      }
      return toState(collection, parsed.data);
    } catch (err) {
      if (isStatus(err, 404)) return { collection };
      throw err;
    }
  }

  /** Writes `next` only if the row is still as read (ETag); returns the new ETag. */
  async write(expected: WatermarkState, next: Omit<WatermarkState, "etag">): Promise<string> {
    const entity = toEntity(next);
    const clean = Object.fromEntries(Object.entries(entity).filter(([, v]) => v !== undefined)) as WatermarkEntity;
    try {
      const response = expected.etag
        ? await this.table.updateEntity(clean, "Replace", { etag: expected.etag })
        : await this.table.createEntity(clean);
      return response.etag ?? "";
    } catch (err) {
      if (isStatus(err, 412) || isStatus(err, 409)) throw new WatermarkConflictError(next.collection);
      throw err;
    }
  }

  async list(): Promise<WatermarkState[]> {
    const out: WatermarkState[] = [];
    for await (const entity of this.table.listEntities({ queryOptions: { filter: `PartitionKey eq '${PK}'` } })) {
      const parsed = entitySchema.safeParse(entity);
      if (parsed.success) out.push(toState(parsed.data.rowKey, parsed.data));
    }
    return out;
  }
}
