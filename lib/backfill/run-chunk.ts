import { getCollection } from "../collections/index.js";
import { loadLakeExclusion } from "../changes/erasure.js";
import { OffDayPlacements, PlacementStore } from "../changes/placements.js";
import { excludedProfileFilter, type TesterExclusion } from "../extract/testers.js";
import { testerFilter } from "../extract/window.js";
import type { LakeZone } from "../load/lake-paths.js";
import type { FileWritten, LakeTarget } from "../load/partition-files.js";
import type { EtlContext } from "../pipeline/context.js";
import { crashpoint } from "../pipeline/fault-injection.js";
import { WatermarkStore } from "../state/watermarks.js";
import { recordBackfillChunk } from "../telemetry/index.js";
import { parseChunkMessage, type ChunkMessage } from "./chunk-message.js";
import { JobStore } from "./job-store.js";
import { lockPartition, rebuildDay, replacePartition, rescoreDay, snapshotPartition, type DayCounts, type Replacement } from "../rewrite/index.js";
import { aheadOfWatermarkFilter, committedDayFilter, committedUntimedFilter } from "./day-filter.js";
import { chunkFileId } from "./plan.js";
import { errorText } from "../telemetry/error-text.js";

/** How the queue delivered this attempt (the host's trigger metadata, or the drain loop). */
export interface ChunkAttempt {
  /** 1 on the first delivery. */
  dequeueCount: number;
  /** The attempt with this count is the last: a failure marks the chunk failed. */
  maxDequeueCount: number;
  /** Clock for the watermark sanity check (tests and `--now` move it). */
  now?: Date;
  hooks?: ChunkHooks;
}

/** Test seams at the points where an hourly window may interleave with a chunk. */
export interface ChunkHooks {
  afterListing?(chunk: ChunkMessage): Promise<void>;
  afterSnapshot?(chunk: ChunkMessage): Promise<void>;
  afterWrite?(chunk: ChunkMessage): Promise<void>;
}

export interface ChunkResult {
  chunk: ChunkMessage;
  status: "done" | "already-done";
  counts?: DayCounts;
  written: FileWritten[];
  retired: string[];
  durationMs: number;
}

export class ChunkBusyError extends Error {
  constructor(chunk: ChunkMessage) {
    super(`Another worker is rebuilding ${chunk.collection} ${chunk.day} (its lock is held); the chunk is retried later`);
    this.name = "ChunkBusyError";
  }
}

/** Zones a chunk lists (to read or supersede) and zones whose files it replaces. */
const ZONES: Record<ChunkMessage["mode"], { listed: readonly LakeZone[]; replaced: readonly LakeZone[] }> = {
  full: { listed: ["raw", "curated", "quarantine"], replaced: ["raw", "curated", "quarantine"] },
  rescore: { listed: ["raw", "curated"], replaced: ["curated"] },
};


/** The queue trigger's work, shared by the Functions host and the in-process drain. */
export async function processChunkMessage(ctx: EtlContext, entry: unknown, attempt: ChunkAttempt): Promise<ChunkResult> {
  return runChunk(ctx, parseChunkMessage(entry), attempt);
}

/**
 * Rebuilds one (collection, day) partition for a job: lock the partition → snapshot its files
 * against the committed watermark → write the compacted files → delete the files they supersede →
 * mark the chunk done. Any failure records the reason on the chunk (retrying, or failed on the last
 * attempt) and rethrows, so the queue retries it or moves it to the poison queue.
 */
export async function runChunk(ctx: EtlContext, chunk: ChunkMessage, attempt: ChunkAttempt): Promise<ChunkResult> {
  const started = Date.now();
  const { config, storage } = ctx;
  const log = ctx.log.child({ collection: chunk.collection, partition: chunk.day, jobId: chunk.jobId });
  const jobs = new JobStore(storage.table(config.tables.jobs));
  const tag = `${chunk.collection} ${chunk.day}`;

  const state = await jobs.getChunk(chunk.jobId, chunk);
  if (!state) throw new Error(`Backfill job ${chunk.jobId} has no chunk ${tag} in table ${config.tables.jobs} (rows deleted?); submit the backfill again`);
  if (state.status === "done") {
    log.info(`${tag}: already done (a repeated delivery); nothing to do`);
    return { chunk, status: "already-done", written: [], retired: [], durationMs: 0 };
  }

  const locks = storage.stateBlobs.getContainerClient(config.containers.locks);
  let lock: Awaited<ReturnType<typeof lockPartition>>;
  try {
    lock = await lockPartition(locks, chunk.collection, chunk.day, config.etl.leaseSeconds);
    if (!lock) throw new ChunkBusyError(chunk);
    if ((await jobs.getChunk(chunk.jobId, chunk))?.status === "done") {
      log.info(`${tag}: finished by another delivery while this one waited for the lock`);
      return { chunk, status: "already-done", written: [], retired: [], durationMs: Date.now() - started };
    }
    await jobs.updateChunk(chunk.jobId, chunk, {
      status: "running",
      attempts: attempt.dequeueCount,
      startedAt: state.startedAt ?? new Date(),
    });
    log.info(`${tag}: ${chunk.mode === "rescore" ? "re-scoring" : "rebuilding"} (job ${chunk.jobId}, attempt ${attempt.dequeueCount}/${attempt.maxDequeueCount})`);
    const result = await rebuildPartition(ctx, chunk, attempt, log, () => lock?.held ?? false);
    await jobs.updateChunk(chunk.jobId, chunk, {
      status: "done",
      attempts: attempt.dequeueCount,
      endedAt: new Date(),
      documents: result.counts.documents,
      curatedRows: result.counts.curatedRows,
      quarantined: result.counts.quarantined,
      filesWritten: result.written.length,
      filesRetired: result.retired.length,
      error: "",
    });
    recordBackfillChunk({ collection: chunk.collection, outcome: "done", documents: result.counts.documents });
    const durationMs = Date.now() - started;
    log.info(`${tag}: done, ${result.counts.documents} docs in ${result.written.length} files, ${result.retired.length} superseded files retired`, { durationMs });
    return { chunk, status: "done", ...result, durationMs };
  } catch (err) {
    const reason = errorText(err);
    const last = attempt.dequeueCount >= attempt.maxDequeueCount;
    await jobs
      .updateChunk(chunk.jobId, chunk, { status: last ? "failed" : "retrying", attempts: attempt.dequeueCount, error: reason, ...(last ? { endedAt: new Date() } : {}) })
      .catch((e: unknown) => log.error(`${tag}: could not record the failure: ${errorText(e)}`));
    recordBackfillChunk({ collection: chunk.collection, outcome: last ? "failed" : "retrying", documents: 0 });
    log.error(
      `${tag}: attempt ${attempt.dequeueCount}/${attempt.maxDequeueCount} failed: ${reason}` +
        (last ? "; chunk failed, its message goes to the poison queue" : "; it will be retried"),
    );
    throw err;
  } finally {
    await lock?.release();
  }
}

async function rebuildPartition(
  ctx: EtlContext,
  chunk: ChunkMessage,
  attempt: ChunkAttempt,
  log: EtlContext["log"],
  lockHeld: () => boolean,
): Promise<{ counts: DayCounts; written: FileWritten[]; retired: string[] }> {
  const { config, storage } = ctx;
  const spec = getCollection(chunk.collection);
  const zones = ZONES[chunk.mode];
  const fileId = chunkFileId(chunk.mode, chunk.jobId);
  const target: LakeTarget = {
    lake: storage.lake,
    containers: { raw: config.containers.raw, curated: config.containers.curated, quarantine: config.containers.quarantine },
    compression: config.etl.parquetCompression,
    // A retry replaces the chunk's own files, and nothing lands or is deleted once the lock is gone.
    commitMode: "replace",
    fence: () => {
      if (!lockHeld()) throw new Error(`Lost the lock on ${chunk.collection} ${chunk.day}; stopped writing, the chunk is retried`);
    },
  };
  const watermarks = new WatermarkStore(storage.table(config.tables.watermarks));
  const snapshot = await snapshotPartition(
    target,
    watermarks,
    chunk.collection,
    chunk.day,
    zones.listed,
    { afterListing: attempt.hooks?.afterListing && (() => attempt.hooks!.afterListing!(chunk)) },
    (n) => log.info(`${chunk.collection} ${chunk.day}: watermark moved while listing (listing ${n}); listing again`),
  );
  if (snapshot.inFlight.length > 0) log.info(`${chunk.collection} ${chunk.day}: leaving ${snapshot.inFlight.join(", ")} to its pending hourly window`);
  await attempt.hooks?.afterSnapshot?.(chunk);

  const build = async (): Promise<Replacement> => {
    if (chunk.mode === "rescore") return rescoreDay({ target, spec, snapshot, fileId, log });
    const last = snapshot.watermark.last;
    const committedFiles = Object.values(snapshot.committed).flat().length;
    if (!last && committedFiles > 0) {
      // Without a watermark the hourly run owns everything from its lookback on; deleting would lose data.
      throw new Error(
        `${chunk.collection} has no committed watermark but ${chunk.day} holds ${committedFiles} files (watermark row deleted after submit?); ` +
          "submit the backfill again, which initialises the watermark first",
      );
    }
    const settled = new Date((attempt.now ?? new Date()).getTime() - config.etl.settleDelayMs);
    if (last && last.createdAt > settled) {
      throw new Error(
        `Watermark of ${chunk.collection} (${last.createdAt.toISOString()}) is ahead of the data (settled up to ${settled.toISOString()}); ` +
          "submit a backfill with repairWatermark to move it back",
      );
    }
    const db = await ctx.db();
    // Testers and erased students: a rebuild from MongoDB must not bring an erased student back
    // (their profile row and error logs included).
    const exclusion: TesterExclusion = await loadLakeExclusion(ctx);
    const excludeTesters = testerFilter(spec.testerRule, exclusion.idVariants, excludedProfileFilter, exclusion.erased);
    const offDay = new OffDayPlacements();
    const rebuilt = await rebuildDay({
      db,
      target,
      spec,
      day: chunk.day,
      fileId,
      timed: committedDayFilter(chunk.day, last, excludeTesters),
      untimed: committedUntimedFilter(chunk.day, snapshot.watermark.windowUpper, excludeTesters),
      // Raw is history: the day's older versions and tombstones stay (read under the partition lock).
      supersededRaw: snapshot.committed.raw,
      ahead: aheadOfWatermarkFilter(chunk.day, last),
      now: attempt.now ?? new Date(),
      batchSize: config.etl.batchSize,
      log,
      placed: offDay,
    });
    // Before the replacement retires what it supersedes; a retry records the same rows again.
    await new PlacementStore(storage.table(config.tables.watermarks)).add(chunk.collection, offDay);
    return rebuilt;
  };
  const result = await replacePartition(target, snapshot, zones.replaced, {
    build,
    beforeRetire: async (result) => {
      for (const f of result.written) {
        log.info(`  ${f.zone}: ${f.count} ${f.zone === "curated" ? "rows" : "docs"} → ${f.path}`, { partition: chunk.day });
      }
      await crashpoint("backfill-written", `${chunk.collection} ${chunk.day}`);
      await attempt.hooks?.afterWrite?.(chunk);
      if (!lockHeld()) throw new Error(`Lost the lock on ${chunk.collection} ${chunk.day} while writing; superseded files left for the retry`);
    },
  });
  await crashpoint("backfill-retired", `${chunk.collection} ${chunk.day}`);
  return result;
}
