import { randomBytes } from "node:crypto";
import { odata, type TableClient, type TableEntityResult, type TransactionAction } from "@azure/data-tables";
import { z } from "zod";
import type { CollectionRunSummary, RunOutcome } from "../pipeline/summary.js";
import { redactSecrets } from "../telemetry/redact.js";

/**
 * One row per collection run in Table Storage (`STATE_RUNS_TABLE`, default etlruns), kept for
 * RUN_HISTORY_RETENTION_DAYS. PartitionKey is the collection; RowKey is the run's start time
 * inverted (max Date ms − start ms, 16 digits) plus a random suffix, so a partition lists newest
 * first: "latest runs of X" is one partition query that stops after a page, and pruning is one
 * range query (`RowKey ge` the inverted cutoff).
 */
const MAX_DATE_MS = 8_640_000_000_000_000;
const ERROR_MAX_CHARS = 2000;

const isoDate = z.iso.datetime();
const count = z.number().int().min(0);

export const runRowSchema = z.object({
  partitionKey: z.string().min(1),
  rowKey: z.string().regex(/^\d{16}_[0-9a-f]{8}$/, "RowKey must be <inverted start ms, 16 digits>_<8 hex>"),
  runId: z.string().min(1),
  outcome: z.enum(["success", "failed", "skipped"]),
  replayed: z.boolean(),
  windowFrom: isoDate.optional(),
  windowTo: isoDate.optional(),
  startedAt: isoDate,
  finishedAt: isoDate,
  durationMs: z.number().min(0),
  extracted: count,
  rawRows: count,
  curatedRows: count,
  quarantined: count,
  testersExcluded: count,
  files: count,
  watermark: isoDate.optional(),
  /** False when the window stopped at its bound: a backlog remains (absent on rows of older versions). */
  caughtUp: z.boolean().optional(),
  /** Documents dated after the window's upper bound, waiting. */
  heldBack: count.optional(),
  error: z.string().max(ERROR_MAX_CHARS).optional(),
});
export type RunRow = z.infer<typeof runRowSchema>;

/** A run as read back: dates as Date, the collection named. */
export interface RunRecord {
  collection: string;
  runId: string;
  outcome: RunOutcome;
  replayed: boolean;
  windowFrom?: Date;
  windowTo?: Date;
  startedAt: Date;
  finishedAt: Date;
  durationMs: number;
  extracted: number;
  rawRows: number;
  curatedRows: number;
  quarantined: number;
  testersExcluded: number;
  files: number;
  /** createdAt of the collection's committed watermark after the run. */
  watermark?: Date;
  caughtUp?: boolean;
  heldBack?: number;
  error?: string;
}

/** RowKey prefix for a start time: later runs sort first. */
export function invertedTime(at: Date): string {
  return String(MAX_DATE_MS - at.getTime()).padStart(16, "0");
}

export function toRunRow(summary: CollectionRunSummary): RunRow {
  const durationMs = Math.max(0, summary.durationMs);
  return runRowSchema.parse({
    partitionKey: summary.collection,
    rowKey: `${invertedTime(summary.startedAt)}_${randomBytes(4).toString("hex")}`,
    runId: summary.runId,
    outcome: summary.outcome,
    replayed: summary.replayed,
    windowFrom: summary.windowFrom?.toISOString(),
    windowTo: summary.windowTo?.toISOString(),
    startedAt: summary.startedAt.toISOString(),
    finishedAt: new Date(summary.startedAt.getTime() + durationMs).toISOString(),
    durationMs,
    extracted: summary.extracted,
    rawRows: summary.rawRows,
    curatedRows: summary.curatedRows,
    quarantined: summary.quarantined,
    testersExcluded: summary.testersExcluded,
    files: summary.files.length,
    watermark: summary.watermark?.toISOString(),
    caughtUp: summary.caughtUp,
    heldBack: summary.heldBack,
    error: summary.error === undefined ? undefined : redactSecrets(summary.error).slice(0, ERROR_MAX_CHARS),
  });
}

function toRecord(row: RunRow): RunRecord {
  const date = (iso: string | undefined) => (iso === undefined ? undefined : new Date(iso));
  return {
    collection: row.partitionKey,
    runId: row.runId,
    outcome: row.outcome,
    replayed: row.replayed,
    windowFrom: date(row.windowFrom),
    windowTo: date(row.windowTo),
    startedAt: new Date(row.startedAt),
    finishedAt: new Date(row.finishedAt),
    durationMs: row.durationMs,
    extracted: row.extracted,
    rawRows: row.rawRows,
    curatedRows: row.curatedRows,
    quarantined: row.quarantined,
    testersExcluded: row.testersExcluded,
    files: row.files,
    watermark: date(row.watermark),
    caughtUp: row.caughtUp,
    heldBack: row.heldBack,
    error: row.error === undefined ? undefined : redactSecrets(row.error), // rows of older versions were not redacted
  };
}

const DAY_MS = 86_400_000;
const BATCH_LIMIT = 100; // entity group transactions hold at most 100 operations

export class RunHistory {
  constructor(private readonly table: TableClient) {}

  /** Writes the run's row. Dry runs write nothing and are refused. */
  async record(summary: CollectionRunSummary): Promise<RunRecord> {
    if (summary.dryRun) throw new Error(`Dry run of ${summary.collection} (${summary.runId}) is not run history`);
    const row = toRunRow(summary);
    const clean = Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined)) as RunRow;
    // Durations can exceed Int32 milliseconds; store them as Double explicitly.
    await this.table.createEntity({ ...clean, durationMs: { value: row.durationMs, type: "Double" } });
    return toRecord(row);
  }

  /** The newest `limit` runs of a collection, newest first. */
  latest(collection: string, limit = 10): Promise<RunRecord[]> {
    return this.query(odata`PartitionKey eq ${collection}`, limit);
  }

  /** The newest run of a collection with this outcome. */
  async lastWithOutcome(collection: string, outcome: RunOutcome): Promise<RunRecord | undefined> {
    const [run] = await this.query(odata`PartitionKey eq ${collection} and outcome eq ${outcome}`, 1);
    return run;
  }

  /** Deletes a collection's runs that started before `before`; returns how many. */
  async prune(collection: string, before: Date): Promise<number> {
    const filter = odata`PartitionKey eq ${collection} and RowKey ge ${invertedTime(new Date(before.getTime() - 1))}`;
    const keys: string[] = [];
    for await (const entity of this.table.listEntities({ queryOptions: { filter, select: ["RowKey"] } })) {
      if (entity.rowKey) keys.push(entity.rowKey);
    }
    for (let i = 0; i < keys.length; i += BATCH_LIMIT) {
      const actions: TransactionAction[] = keys.slice(i, i + BATCH_LIMIT).map((rowKey) => ["delete", { partitionKey: collection, rowKey }]);
      await this.table.submitTransaction(actions);
    }
    return keys.length;
  }

  /** Records a run and prunes that collection's rows older than `retentionDays` before its start. */
  async recordAndPrune(summary: CollectionRunSummary, retentionDays: number): Promise<{ record: RunRecord; pruned: number }> {
    const record = await this.record(summary);
    const pruned = await this.prune(summary.collection, new Date(summary.startedAt.getTime() - retentionDays * DAY_MS));
    return { record, pruned };
  }

  /**
   * Rows matching `filter` in key order (newest first), until `limit`. A filter on a non-key
   * property can return short or empty pages with a continuation, so pages are followed.
   */
  private async query(filter: string, limit: number): Promise<RunRecord[]> {
    const out: RunRecord[] = [];
    const pages = this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter } }).byPage({ maxPageSize: limit });
    for await (const page of pages) {
      for (const entity of page as TableEntityResult<Record<string, unknown>>[]) {
        // Rows that do not match the schema (written by hand, or by an older version) are skipped.
        const parsed = runRowSchema.safeParse(entity);
        if (parsed.success) out.push(toRecord(parsed.data));
        if (out.length >= limit) return out;
      }
    }
    return out;
  }
}
