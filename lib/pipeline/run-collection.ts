import type { Document, Filter } from "mongodb";
import type { CollectionSpec } from "../collections/spec.js";
import { readAhead } from "../extract/read-ahead.js";
import { loadTesterExclusion, excludedProfileFilter, type TesterExclusion } from "../extract/testers.js";
import { extractionSort, testerFilter, untimedFilter, windowFilter, type DocKey, type ExtractWindow } from "../extract/window.js";
import { daysBetween, formatRunId, lakeBlobName, utcDay, type LakeZone } from "../load/lake-paths.js";
import { PartitionFiles, type FileWritten, type LakeTarget } from "../load/partition-files.js";
import { acquireCollectionLease, type HeldLease } from "../state/collection-lease.js";
import { WatermarkStore, type WatermarkState } from "../state/watermarks.js";
import { errorText } from "../telemetry/error-text.js";
import { describeId } from "../transform/bson-values.js";
import { curate, untimedReason } from "../transform/curated-row.js";
import type { EtlContext } from "./context.js";
import { crashpoint } from "./fault-injection.js";
import { emptySummary, type CollectionRunSummary } from "./summary.js";

export interface CollectionRunOptions {
  /** Clock for the window's upper bound and the runId (tests move it). */
  now?: Date;
  dryRun?: boolean;
  /** Shared across collections of one ETL run; loaded here when absent. */
  exclusion?: TesterExclusion;
}

const DAY_MS = 86_400_000;

/**
 * One collection, one window: lease → claim window (pending) → stream documents into per-day
 * files → commit the watermark. A window left pending by a crash is replayed with the same runId
 * and bounds, overwriting its own files, so every document lands exactly once.
 */
export async function runCollection(ctx: EtlContext, spec: CollectionSpec, options: CollectionRunOptions = {}): Promise<CollectionRunSummary> {
  const now = options.now ?? new Date();
  const dryRun = options.dryRun ?? false;
  const summary = emptySummary(spec.name, formatRunId(now), now, dryRun);
  const log = ctx.log.child({ collection: spec.name });
  const { config, storage } = ctx;

  let lease: HeldLease | undefined;
  if (!dryRun) {
    lease = await acquireCollectionLease(
      storage.stateBlobs.getContainerClient(config.containers.locks),
      spec.name,
      config.etl.leaseSeconds,
      config.etl.leaseWaitMs,
    );
    if (!lease) {
      log.warn(`${spec.name}: skipped, another run holds its lease (it will pick up this window)`, { runId: summary.runId });
      return { ...summary, outcome: "skipped", durationMs: Date.now() - now.getTime() };
    }
  }
  try {
    return await runWindow(ctx, spec, summary, lease, options);
  } catch (err) {
    const message = errorText(err);
    log.error(`${spec.name}: run failed, watermark unchanged: ${message}`, { runId: summary.runId });
    return { ...summary, outcome: "failed", error: message, durationMs: Date.now() - now.getTime() };
  } finally {
    await lease?.release();
  }
}

async function runWindow(
  ctx: EtlContext,
  spec: CollectionSpec,
  summary: CollectionRunSummary,
  lease: HeldLease | undefined,
  options: CollectionRunOptions,
): Promise<CollectionRunSummary> {
  const { config, storage } = ctx;
  const now = summary.startedAt;
  const store = new WatermarkStore(storage.table(config.tables.watermarks));
  const state = await store.read(spec.name);

  const initialFrom = new Date(now.getTime() - config.etl.initialLookbackDays * DAY_MS);
  const pending = summary.dryRun ? undefined : state.pending;
  const runId = pending?.runId ?? summary.runId;
  const upper = pending?.upper ?? new Date(now.getTime() - config.etl.settleDelayMs);
  const from = state.last?.createdAt ?? pending?.from ?? initialFrom;
  const window: ExtractWindow = { lower: state.last ?? { createdAt: from }, upper };
  const previousUpper = state.windowUpper ?? from;
  const log = ctx.log.child({ collection: spec.name, runId });
  Object.assign(summary, { runId, replayed: pending !== undefined, windowFrom: from, windowTo: upper });

  if (pending) log.warn(`${spec.name}: replaying unfinished window ${runId} (up to ${upper.toISOString()})`);
  log.info(`${spec.name} (since ${from.toISOString()}):`);

  let etag = state.etag;
  if (!summary.dryRun) {
    etag = await store.write(state, { ...state, pending: { runId, from, upper, since: pending?.since ?? now } });
    crashpoint("after-claim");
  }

  const db = await ctx.db();
  const exclusion = options.exclusion ?? (await loadTesterExclusion(db));
  const excludeTesters = testerFilter(spec.testerRule, exclusion.idVariants, excludedProfileFilter);
  const collection = db.collection(spec.name);
  summary.testersExcluded = await countExcluded(spec, exclusion, (f) => collection.countDocuments(windowFilter(window, f)));

  const target: LakeTarget = {
    lake: storage.lake,
    containers: { raw: config.containers.raw, curated: config.containers.curated, quarantine: config.containers.quarantine },
    compression: config.etl.parquetCompression,
  };
  const files: FileWritten[] = [];
  const closePartition = async (partition: PartitionFiles | undefined) => {
    if (!partition) return;
    const written = await partition.close();
    files.push(...written);
    for (const f of written) {
      const noun = f.zone === "curated" ? "rows" : "docs";
      log.info(`  ${f.zone}: ${f.count} ${noun} → ${f.path}`, { partition: partition.day });
    }
    crashpoint("partition-closed");
  };

  let last: DocKey | undefined;
  let partition: PartitionFiles | undefined;
  const cursor = collection.find(windowFilter(window, excludeTesters), {
    sort: extractionSort,
    batchSize: config.etl.batchSize,
    promoteValues: false,
  });
  try {
    for await (const doc of readAhead(cursor, config.etl.batchSize * 2)) {
      const createdAt = doc.createdAt as Date;
      const day = utcDay(createdAt);
      summary.extracted++;
      last = { createdAt, id: doc._id };
      if (summary.dryRun) continue;
      if (partition?.day !== day) {
        await closePartition(partition);
        partition = new PartitionFiles(target, spec, day, runId);
      }
      await partition.writeRaw(doc);
      summary.rawRows++;
      const curation = curate(spec, doc, runId);
      if ("rejected" in curation) {
        await quarantine(partition, doc, curation.rejected);
      } else {
        await partition.writeCurated(curation.row);
        summary.curatedRows++;
        if (curation.issues.length > 0) summary.rowsWithIssues++;
        if (curation.note) summary.notes[curation.note] = (summary.notes[curation.note] ?? 0) + 1;
      }
      crashpoint("doc-written");
    }
    await closePartition(partition);
    partition = undefined;

    // Documents whose createdAt is missing or not a Date: quarantined by their ObjectId's day.
    const untimed = collection.find(untimedFilter(previousUpper, upper, excludeTesters), {
      sort: { _id: 1 },
      batchSize: config.etl.batchSize,
      promoteValues: false,
    });
    let untimedPartition: PartitionFiles | undefined;
    for await (const doc of untimed) {
      summary.extracted++;
      if (summary.dryRun) continue;
      const day = utcDay((doc._id as { getTimestamp(): Date }).getTimestamp());
      if (untimedPartition?.day !== day) {
        await closePartition(untimedPartition);
        untimedPartition = new PartitionFiles(target, spec, day, `${runId}_untimed`);
        partition = untimedPartition;
      }
      await quarantine(untimedPartition, doc, untimedReason(doc));
    }
    await closePartition(untimedPartition);
    partition = undefined;
  } catch (err) {
    await partition?.abort(err instanceof Error ? err : new Error(String(err)));
    throw err;
  } finally {
    await cursor.close();
  }

  async function quarantine(p: PartitionFiles, doc: Document, reason: string) {
    log.warn(`Skipping doc ${describeId(doc._id)}: ${reason}`);
    await p.writeQuarantine(doc, reason);
    summary.quarantined++;
  }

  summary.files = files;
  const next: WatermarkState = { collection: spec.name, last: last ?? state.last, windowUpper: upper };
  if (!summary.dryRun) {
    if (summary.replayed) await sweepStaleFiles(target, spec.name, runId, previousUpper, from, upper, files);
    crashpoint("before-commit");
    if (lease && !lease.held) throw new Error(`Lost the lease on ${spec.name} during the run; not committing (the next run replays)`);
    await store.write({ ...state, etag }, next);
    crashpoint("after-commit");
  }
  summary.watermark = next.last?.createdAt;
  summary.durationMs = Date.now() - now.getTime();
  return summary;
}

async function countExcluded(
  spec: CollectionSpec,
  exclusion: TesterExclusion,
  count: (filter: Filter<Document>) => Promise<number>,
): Promise<number> {
  if (spec.testerRule === "profile") return count(excludedProfileFilter);
  if (spec.testerRule === "userId" && exclusion.idVariants.length > 0) return count({ userId: { $in: exclusion.idVariants } });
  return 0;
}

/**
 * A replay can write fewer partitions than the crashed attempt (documents deleted since). Files
 * of this runId that the replay did not write would duplicate nothing but hold stale rows: remove them.
 */
async function sweepStaleFiles(
  target: LakeTarget,
  collection: string,
  runId: string,
  previousUpper: Date,
  from: Date,
  upper: Date,
  written: FileWritten[],
): Promise<void> {
  const keep = new Set(written.map((f) => `${f.zone}/${f.blobName}`));
  const earliest = previousUpper < from ? previousUpper : from;
  const deletions: Promise<unknown>[] = [];
  for (const day of daysBetween(earliest, upper)) {
    for (const [zone, fileId] of [
      ["raw", runId],
      ["curated", runId],
      ["quarantine", runId],
      ["quarantine", `${runId}_untimed`],
    ] as [LakeZone, string][]) {
      const blobName = lakeBlobName(zone, collection, day, fileId);
      if (keep.has(`${zone}/${blobName}`)) continue;
      deletions.push(target.lake.getContainerClient(target.containers[zone]).deleteBlob(blobName).catch(() => undefined));
    }
  }
  await Promise.all(deletions);
}
