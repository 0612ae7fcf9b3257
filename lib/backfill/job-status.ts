import type { EtlContext } from "../pipeline/context.js";
import { chunkStatuses, JobStore, type BackfillJob, type ChunkState, type ChunkStatus, type WatermarkChange } from "./job-store.js";

/** `queued`: nothing started; `running`: some chunk not finished; `done`/`failed`: all finished. */
export type JobStatus = "queued" | "running" | "done" | "failed";

/** The answer of `GET /api/backfill/{jobId}` (and the CLI's closing summary). */
export interface JobStatusView {
  jobId: string;
  status: JobStatus;
  mode: BackfillJob["mode"];
  collections: string[];
  from: string;
  to: string;
  createdAt: string;
  startedAt?: string;
  endedAt?: string;
  chunkCount: number;
  counts: Record<ChunkStatus, number>;
  documents: number;
  curatedRows: number;
  quarantined: number;
  watermarkChanges: WatermarkChange[];
  failures: { collection: string; day: string; attempts: number; error: string }[];
  chunks: {
    collection: string;
    day: string;
    status: ChunkStatus;
    attempts: number;
    documents?: number;
    curatedRows?: number;
    quarantined?: number;
    filesWritten?: number;
    filesRetired?: number;
    startedAt?: string;
    endedAt?: string;
    error?: string;
  }[];
}

const finished = (s: ChunkStatus) => s === "done" || s === "failed";

export function summarizeJob(job: BackfillJob, chunks: ChunkState[]): JobStatusView {
  const counts = Object.fromEntries(chunkStatuses.map((s) => [s, 0])) as Record<ChunkStatus, number>;
  for (const c of chunks) counts[c.status]++;
  const allFinished = chunks.length > 0 && chunks.every((c) => finished(c.status));
  const status: JobStatus = allFinished
    ? counts.failed > 0
      ? "failed"
      : "done"
    : chunks.every((c) => c.status === "pending")
      ? "queued"
      : "running";
  const times = (pick: (c: ChunkState) => Date | undefined) => chunks.map(pick).filter((d): d is Date => d !== undefined).map((d) => d.getTime());
  const starts = times((c) => c.startedAt);
  const ends = times((c) => c.endedAt);
  const sum = (pick: (c: ChunkState) => number | undefined) => chunks.reduce((n, c) => n + (c.status === "done" ? (pick(c) ?? 0) : 0), 0);
  const iso = (d: Date | undefined) => d?.toISOString();
  const sorted = [...chunks].sort((a, b) => (a.day === b.day ? a.collection.localeCompare(b.collection) : a.day.localeCompare(b.day)));
  return {
    jobId: job.jobId,
    status,
    mode: job.mode,
    collections: job.collections,
    from: job.from,
    to: job.to,
    createdAt: job.createdAt.toISOString(),
    startedAt: starts.length > 0 ? new Date(Math.min(...starts)).toISOString() : undefined,
    endedAt: allFinished && ends.length > 0 ? new Date(Math.max(...ends)).toISOString() : undefined,
    chunkCount: job.chunkCount,
    counts,
    documents: sum((c) => c.documents),
    curatedRows: sum((c) => c.curatedRows),
    quarantined: sum((c) => c.quarantined),
    watermarkChanges: job.watermarkChanges,
    failures: sorted
      .filter((c) => c.status === "failed")
      .map((c) => ({ collection: c.collection, day: c.day, attempts: c.attempts, error: c.error ?? "unknown" })),
    chunks: sorted.map((c) => ({
      collection: c.collection,
      day: c.day,
      status: c.status,
      attempts: c.attempts,
      documents: c.documents,
      curatedRows: c.curatedRows,
      quarantined: c.quarantined,
      filesWritten: c.filesWritten,
      filesRetired: c.filesRetired,
      startedAt: iso(c.startedAt),
      endedAt: iso(c.endedAt),
      // An error is shown while it matters: on a failed chunk, or one waiting for its retry.
      error: c.status === "failed" || c.status === "retrying" ? c.error : undefined,
    })),
  };
}

export async function readJobStatus(ctx: EtlContext, jobId: string): Promise<JobStatusView | undefined> {
  const jobs = new JobStore(ctx.storage.table(ctx.config.tables.jobs));
  const job = await jobs.getJob(jobId);
  if (!job) return undefined;
  return summarizeJob(job, await jobs.listChunks(jobId));
}

/** True once every chunk of the job is done or failed (unknown jobs count as finished). */
export async function isJobFinished(ctx: EtlContext, jobId: string): Promise<boolean> {
  const view = await readJobStatus(ctx, jobId);
  return !view || view.status === "done" || view.status === "failed";
}
