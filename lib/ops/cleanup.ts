import { odata } from "@azure/data-tables";
import { collectionNames } from "../collections/index.js";
import type { Config } from "../config.js";
import type { LakeZone } from "../load/lake-paths.js";
import { WatermarkStore } from "../state/watermarks.js";
import type { StorageClients } from "../storage/clients.js";

/**
 * `etl cleanup`: removes what the lifecycle policy cannot tell apart from live data.
 *
 * - Orphan files: lake files of an hourly window that never committed. A file's id is its run's id;
 *   it is an orphan only on positive evidence: the run history holds that id as failed and never as
 *   a success, the collection has committed a later window under another id (so the watermark moved
 *   on without it, and a replay can no longer reuse the id), and it is not the pending window. Files of
 *   backfills, compactions and rewrites are theirs to retire; an id with no history is kept.
 * - Backfill job and chunk rows of finished jobs created before the history retention.
 * - Lock blobs of backfill days that nobody holds and nobody touched for a day.
 */
export interface CleanupItem {
  kind: "orphan file" | "backfill job" | "lock blob";
  /** `zone/blob name`, `jobs/<jobId> (n rows)`, `locks/<name>`. */
  target: string;
  why: string;
}

export interface CleanupReport {
  dryRun: boolean;
  removed: CleanupItem[];
  /** What was looked at and left, by reason. */
  kept: Record<string, number>;
}

export interface CleanupOptions {
  dryRun: boolean;
  now?: Date;
}

const DAY_MS = 86_400_000;
/** A lock blob nobody leased or wrote for this long belongs to no live worker (leases last ≤ 60 s). */
export const STALE_LOCK_MS = DAY_MS;
// Hourly window ids (newWindowId: start second + 6 hex; windows before that change have no suffix).
const HOURLY_FILE_ID = /^(\d{8}_\d{6}(?:_[0-9a-f]{6})?)(_untimed)?$/;
const LAKE_NAME = /^([^/]+)\/date=\d{4}-\d{2}-\d{2}\/\1_(.+)\.(jsonl|parquet)$/;

export async function runCleanup(deps: { config: Config; storage: StorageClients }, options: CleanupOptions): Promise<CleanupReport> {
  const now = options.now ?? new Date();
  const report: CleanupReport = { dryRun: options.dryRun, removed: [], kept: {} };
  const keep = (why: string) => void (report.kept[why] = (report.kept[why] ?? 0) + 1);
  await orphanFiles(deps, options.dryRun, report, keep);
  await expiredJobs(deps, now, options.dryRun, report, keep);
  await staleLocks(deps, now, options.dryRun, report, keep);
  return report;
}

async function orphanFiles(
  { config, storage }: { config: Config; storage: StorageClients },
  dryRun: boolean,
  report: CleanupReport,
  keep: (why: string) => void,
): Promise<void> {
  const runsTable = storage.table(config.tables.runs);
  const runsOf = async (collection: string) => {
    const runs: RunOutcome[] = [];
    const rows = runsTable.listEntities<{ runId?: string; outcome?: string; startedAt?: string }>({
      queryOptions: { filter: odata`PartitionKey eq ${collection}`, select: ["runId", "outcome", "startedAt"] },
    });
    for await (const r of rows) if (r.runId && r.outcome && r.startedAt) runs.push({ runId: r.runId, outcome: r.outcome, startedAt: new Date(r.startedAt) });
    return runs;
  };
  const watermarks = new WatermarkStore(storage.table(config.tables.watermarks));
  const verdicts = new Map<string, (runId: string) => string | undefined>();
  const verdictFor = async (collection: string) => {
    let verdict = verdicts.get(collection);
    if (!verdict) {
      const [runs, state] = await Promise.all([runsOf(collection), watermarks.read(collection)]);
      verdict = orphanVerdict(runs, state.pending?.runId);
      verdicts.set(collection, verdict);
    }
    return verdict;
  };
  for (const zone of ["raw", "curated", "quarantine"] as const satisfies readonly LakeZone[]) {
    const container = storage.lake.getContainerClient(config.containers[zone]);
    for await (const blob of container.listBlobsFlat()) {
      const match = LAKE_NAME.exec(blob.name);
      const hourly = match && HOURLY_FILE_ID.exec(match[2]!);
      if (!match || !collectionNames.includes(match[1]!)) {
        keep("not a lake file of a known collection");
        continue;
      }
      if (!hourly) {
        keep("backfill, compaction or rewrite file (retired by its job)");
        continue;
      }
      const why = (await verdictFor(match[1]!))(hourly[1]!);
      if (!why) {
        keep("committed, pending or unknown window");
        continue;
      }
      report.removed.push({ kind: "orphan file", target: `${zone}/${blob.name}`, why });
      if (!dryRun) await container.getBlobClient(blob.name).deleteIfExists();
    }
  }
}

/** One run-history row, as much of it as the verdict needs. */
export interface RunOutcome {
  runId: string;
  outcome: string;
  startedAt: Date;
}

/** Why a run's files are orphans, or undefined to keep them. */
export function orphanVerdict(runs: readonly RunOutcome[], pendingRunId: string | undefined): (runId: string) => string | undefined {
  const byId = new Map<string, RunOutcome[]>();
  for (const r of runs) byId.set(r.runId, [...(byId.get(r.runId) ?? []), r]);
  const successes = runs.filter((r) => r.outcome === "success");
  return (runId) => {
    if (runId === pendingRunId) return undefined;
    const own = byId.get(runId);
    if (!own || own.some((r) => r.outcome !== "failed")) return undefined;
    const failedAt = Math.max(...own.map((r) => r.startedAt.getTime()));
    const later = successes.find((s) => s.runId !== runId && s.startedAt.getTime() > failedAt);
    return later ? `window ${runId} failed and never committed; ${later.runId} committed after it` : undefined;
  };
}

async function expiredJobs(
  { config, storage }: { config: Config; storage: StorageClients },
  now: Date,
  dryRun: boolean,
  report: CleanupReport,
  keep: (why: string) => void,
): Promise<void> {
  const table = storage.table(config.tables.jobs);
  const before = new Date(now.getTime() - config.runHistoryRetentionDays * DAY_MS);
  const jobs = table.listEntities<{ createdAt?: string }>({ queryOptions: { filter: odata`RowKey eq 'job'`, select: ["PartitionKey", "createdAt"] } });
  for await (const job of jobs) {
    const jobId = job.partitionKey!;
    if (!job.createdAt || new Date(job.createdAt) >= before) {
      keep("backfill job within retention");
      continue;
    }
    const rows: { rowKey: string; status?: string }[] = [];
    for await (const row of table.listEntities<{ status?: string }>({ queryOptions: { filter: odata`PartitionKey eq ${jobId}`, select: ["RowKey", "status"] } })) {
      rows.push({ rowKey: row.rowKey!, status: row.status });
    }
    if (rows.some((r) => r.rowKey !== "job" && r.status !== "done" && r.status !== "failed")) {
      keep("backfill job still running");
      continue;
    }
    report.removed.push({ kind: "backfill job", target: `${config.tables.jobs}/${jobId} (${rows.length} rows)`, why: `finished, created ${job.createdAt}, before the ${config.runHistoryRetentionDays}-day retention` });
    if (dryRun) continue;
    for (let i = 0; i < rows.length; i += 100) {
      await table.submitTransaction(rows.slice(i, i + 100).map((r) => ["delete", { partitionKey: jobId, rowKey: r.rowKey }]));
    }
  }
}

async function staleLocks(
  { config, storage }: { config: Config; storage: StorageClients },
  now: Date,
  dryRun: boolean,
  report: CleanupReport,
  keep: (why: string) => void,
): Promise<void> {
  const locks = storage.stateBlobs.getContainerClient(config.containers.locks);
  for await (const blob of locks.listBlobsFlat()) {
    if (collectionNames.includes(blob.name)) {
      keep("collection lock (reused every hour)");
      continue;
    }
    if (blob.properties.leaseState === "leased" || blob.properties.leaseState === "breaking") {
      keep("lock held");
      continue;
    }
    const idleMs = now.getTime() - blob.properties.lastModified.getTime();
    if (idleMs < STALE_LOCK_MS) {
      keep("lock used within a day");
      continue;
    }
    report.removed.push({ kind: "lock blob", target: `${config.containers.locks}/${blob.name}`, why: `not held, untouched since ${blob.properties.lastModified.toISOString()}` });
    // A lease taken since the listing makes the delete fail (no lease id given): the lock survives.
    if (!dryRun) await locks.getBlobClient(blob.name).deleteIfExists().catch(() => undefined);
  }
}

export function formatCleanupReport(report: CleanupReport): string {
  const verb = report.dryRun ? "would remove" : "removed";
  const lines = report.removed.map((i) => `${verb}  ${i.kind.padEnd(12)}  ${i.target}\n              ${i.why}`);
  const kept = Object.entries(report.kept).map(([why, n]) => `  ${n} ${why}`);
  return [
    ...(lines.length ? lines : [`nothing to remove`]),
    "",
    `${report.dryRun ? "Dry run: " : ""}${report.removed.length} ${verb}; kept:`,
    ...(kept.length ? kept : ["  nothing else found"]),
    "",
  ].join("\n");
}
