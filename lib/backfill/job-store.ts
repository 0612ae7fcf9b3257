import { odata, RestError, type TableClient, type TransactionAction } from "@azure/data-tables";
import { z } from "zod";
import { redactSecrets } from "../telemetry/redact.js";
import { chunkKey, type ChunkRef } from "./plan.js";
import { isoDaySchema, type BackfillMode } from "./request.js";

/**
 * Backfill jobs in Table Storage: one partition per job, one row for the job (`job`) and one per
 * chunk (`chunk_{collection}_{day}`). Workers update only their chunk's row, so parallel chunks never
 * contend on a shared counter; the job's status is summed from its chunk rows when asked.
 */
export const chunkStatuses = ["pending", "running", "retrying", "done", "failed"] as const;
export type ChunkStatus = (typeof chunkStatuses)[number];

const isoInstant = z.iso.datetime();
const count = z.number().int().min(0);

/** What submit changed on a watermark before queueing the chunks (never silent: shown in status). */
export const watermarkChangeSchema = z.object({
  collection: z.string(),
  action: z.enum(["initialized", "repaired"]),
  before: z.object({ last: isoInstant.optional(), windowUpper: isoInstant.optional() }),
  after: z.object({ last: isoInstant.optional(), windowUpper: isoInstant.optional() }),
  /** Days added to the job beyond its range, to retire files written past the new position. */
  extraDays: z.array(isoDaySchema),
});
export type WatermarkChange = z.infer<typeof watermarkChangeSchema>;

const jobRowSchema = z.object({
  partitionKey: z.string(),
  rowKey: z.literal("job"),
  mode: z.enum(["full", "rescore"]),
  collections: z.string(),
  from: isoDaySchema,
  to: isoDaySchema,
  repairWatermark: z.boolean(),
  createdAt: isoInstant,
  chunkCount: count,
  watermarkChanges: z.string(),
});

const chunkRowSchema = z.object({
  partitionKey: z.string(),
  rowKey: z.string().startsWith("chunk_"),
  collection: z.string(),
  day: isoDaySchema,
  status: z.enum(chunkStatuses),
  attempts: count,
  startedAt: isoInstant.optional(),
  endedAt: isoInstant.optional(),
  documents: count.optional(),
  curatedRows: count.optional(),
  quarantined: count.optional(),
  filesWritten: count.optional(),
  filesRetired: count.optional(),
  error: z.string().optional(),
  updatedAt: isoInstant,
});
type ChunkRow = z.infer<typeof chunkRowSchema>;

export interface BackfillJob {
  jobId: string;
  mode: BackfillMode;
  collections: string[];
  from: string;
  to: string;
  repairWatermark: boolean;
  createdAt: Date;
  chunkCount: number;
  watermarkChanges: WatermarkChange[];
}

export interface ChunkState extends ChunkRef {
  status: ChunkStatus;
  attempts: number;
  startedAt?: Date;
  endedAt?: Date;
  documents?: number;
  curatedRows?: number;
  quarantined?: number;
  filesWritten?: number;
  filesRetired?: number;
  error?: string;
  updatedAt: Date;
}

export type ChunkUpdate = Partial<Omit<ChunkState, "collection" | "day" | "updatedAt">>;

const JOB_ROW = "job";
const chunkRowKey = (chunk: ChunkRef) => `chunk_${chunkKey(chunk)}`;
/** Table string properties hold 64 KiB; an error message is cut well before. */
const MAX_ERROR_CHARS = 2000;

function malformed(table: TableClient, key: string, error: z.ZodError): Error {
  return new Error(
    `Backfill row ${key} in table ${table.tableName} is malformed (${error.issues[0]?.path.join(".")}: ${error.issues[0]?.message}); ` +
      "it was not written by this version: delete the job's rows and submit the backfill again.",
  );
}

function toChunkState(row: ChunkRow): ChunkState {
  const date = (s: string | undefined) => (s === undefined ? undefined : new Date(s));
  return {
    collection: row.collection,
    day: row.day,
    status: row.status,
    attempts: row.attempts,
    startedAt: date(row.startedAt),
    endedAt: date(row.endedAt),
    documents: row.documents,
    curatedRows: row.curatedRows,
    quarantined: row.quarantined,
    filesWritten: row.filesWritten,
    filesRetired: row.filesRetired,
    // "" clears an earlier attempt's error (a merge cannot remove it). Redacted on the way out too:
    // rows written by an older version were not.
    error: row.error ? redactSecrets(row.error) : undefined,
    updatedAt: new Date(row.updatedAt),
  };
}

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export class JobStore {
  constructor(private readonly table: TableClient) {}

  /** Writes the job row and one pending row per chunk (batched: one transaction per 100 rows). */
  async create(job: BackfillJob, chunks: ChunkRef[]): Promise<void> {
    const now = new Date().toISOString();
    const rows: Record<string, unknown>[] = [
      {
        partitionKey: job.jobId,
        rowKey: JOB_ROW,
        mode: job.mode,
        collections: job.collections.join(","),
        from: job.from,
        to: job.to,
        repairWatermark: job.repairWatermark,
        createdAt: job.createdAt.toISOString(),
        chunkCount: job.chunkCount,
        watermarkChanges: JSON.stringify(job.watermarkChanges),
      } satisfies z.infer<typeof jobRowSchema>,
      ...chunks.map(
        (c): ChunkRow => ({ partitionKey: job.jobId, rowKey: chunkRowKey(c), collection: c.collection, day: c.day, status: "pending", attempts: 0, updatedAt: now }),
      ),
    ];
    for (let i = 0; i < rows.length; i += 100) {
      const actions = rows.slice(i, i + 100).map((r): TransactionAction => ["create", r as { partitionKey: string; rowKey: string }]);
      await this.table.submitTransaction(actions);
    }
  }

  async getJob(jobId: string): Promise<BackfillJob | undefined> {
    const entity = await this.table.getEntity(jobId, JOB_ROW).catch((err: unknown) => {
      if (err instanceof RestError && err.statusCode === 404) return undefined;
      throw err;
    });
    if (!entity) return undefined;
    const parsed = jobRowSchema.safeParse(entity);
    if (!parsed.success) throw malformed(this.table, `${jobId}/job`, parsed.error);
    const row = parsed.data;
    const changes = z.array(watermarkChangeSchema).safeParse(JSON.parse(row.watermarkChanges));
    return {
      jobId,
      mode: row.mode,
      collections: row.collections.split(",").filter(Boolean),
      from: row.from,
      to: row.to,
      repairWatermark: row.repairWatermark,
      createdAt: new Date(row.createdAt),
      chunkCount: row.chunkCount,
      watermarkChanges: changes.success ? changes.data : [],
    };
  }

  async getChunk(jobId: string, chunk: ChunkRef): Promise<ChunkState | undefined> {
    const entity = await this.table.getEntity(jobId, chunkRowKey(chunk)).catch((err: unknown) => {
      if (err instanceof RestError && err.statusCode === 404) return undefined;
      throw err;
    });
    if (!entity) return undefined;
    const parsed = chunkRowSchema.safeParse(entity);
    if (!parsed.success) throw malformed(this.table, `${jobId}/${chunkRowKey(chunk)}`, parsed.error);
    return toChunkState(parsed.data);
  }

  /** Every chunk of a job, in table order (collection, then day). */
  async listChunks(jobId: string): Promise<ChunkState[]> {
    const out: ChunkState[] = [];
    const filter = odata`PartitionKey eq ${jobId}`;
    for await (const entity of this.table.listEntities({ queryOptions: { filter } })) {
      if (entity.rowKey === JOB_ROW) continue;
      const parsed = chunkRowSchema.safeParse(entity);
      if (!parsed.success) throw malformed(this.table, `${jobId}/${String(entity.rowKey)}`, parsed.error);
      out.push(toChunkState(parsed.data));
    }
    return out;
  }

  /** Merges `update` into the chunk's row (last writer wins; one worker holds the chunk at a time). */
  async updateChunk(jobId: string, chunk: ChunkRef, update: ChunkUpdate): Promise<void> {
    const iso = (d: Date | undefined) => d?.toISOString();
    const row = defined({
      partitionKey: jobId,
      rowKey: chunkRowKey(chunk),
      collection: chunk.collection,
      day: chunk.day,
      status: update.status,
      attempts: update.attempts,
      startedAt: iso(update.startedAt),
      endedAt: iso(update.endedAt),
      documents: update.documents,
      curatedRows: update.curatedRows,
      quarantined: update.quarantined,
      filesWritten: update.filesWritten,
      filesRetired: update.filesRetired,
      error: update.error === undefined ? undefined : redactSecrets(update.error).slice(0, MAX_ERROR_CHARS),
      updatedAt: new Date().toISOString(),
    });
    await this.table.upsertEntity(row, "Merge");
  }
}
