import type { Collection, Document, Filter } from "mongodb";
import type { CollectionSpec } from "../collections/spec.js";
import { decodeDocument, documentReadOptions } from "../extract/decode-document.js";
import { readAhead } from "../extract/read-ahead.js";
import { withErasures } from "../changes/erasure.js";
import { OffDayPlacements, PlacementStore } from "../changes/placements.js";
import { loadTesterExclusion, excludedProfileFilter, type TesterExclusion } from "../extract/testers.js";
import { extractionSort, testerFilter, untimedFilter, windowFilter, type DocKey, type ExtractWindow } from "../extract/window.js";
import { daysBetween, lakeBlobName, newWindowId, utcDay, type LakeZone } from "../load/lake-paths.js";
import { PartitionFiles, type FileWritten, type LakeTarget } from "../load/partition-files.js";
import { listUntimedFiles, writeUntimedOnce } from "../load/untimed-files.js";
import { acquireCollectionLease, LeaseLostError, type HeldLease } from "../state/collection-lease.js";
import { WatermarkStore, type WatermarkState } from "../state/watermarks.js";
import { storageCallBoundMs } from "../storage/clients.js";
import { errorText } from "../telemetry/error-text.js";
import { describeId, hasUnreadableDate, toRawLine } from "../transform/bson-values.js";
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
  /** Id of a fresh window (unique per run, lib/load/lake-paths.ts newWindowId); made here when absent. */
  runId?: string;
}

const DAY_MS = 86_400_000;

/**
 * One collection, one window: lease → claim window (pending) → stream documents into per-day
 * files → commit the watermark. A window left pending by a crash is replayed with the same runId
 * and bounds, replacing its own files, so every document lands exactly once. A window stops at
 * its document or time bound and commits what it has, so a backlog drains across runs.
 */
export async function runCollection(ctx: EtlContext, spec: CollectionSpec, options: CollectionRunOptions = {}): Promise<CollectionRunSummary> {
  const now = options.now ?? new Date();
  const started = Date.now();
  const dryRun = options.dryRun ?? false;
  const summary = emptySummary(spec.name, options.runId ?? newWindowId(now), now, dryRun);
  const log = ctx.log.child({ collection: spec.name });
  const { config, storage } = ctx;

  let lease: HeldLease | undefined;
  if (!dryRun) {
    lease = await acquireCollectionLease(
      storage.stateBlobs.getContainerClient(config.containers.locks),
      spec.name,
      config.etl.leaseSeconds,
      config.etl.leaseWaitMs,
      { callBoundMs: storageCallBoundMs(config) },
    );
    if (!lease) {
      log.warn(`${spec.name}: skipped, another run holds its lease (it will pick up this window)`, { runId: summary.runId });
      return { ...summary, outcome: "skipped", durationMs: Date.now() - started };
    }
  }
  try {
    const done = await runWindow(ctx, spec, summary, lease, options);
    return { ...done, durationMs: Date.now() - started };
  } catch (err) {
    const message = errorText(err);
    log.error(`${spec.name}: run failed, watermark unchanged: ${message}`, { runId: summary.runId });
    return { ...summary, outcome: "failed", error: message, durationMs: Date.now() - started };
  } finally {
    await lease?.release();
  }
}

const later = (a: Date, b: Date | undefined) => (b && b > a ? b : a);

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
  const target: LakeTarget = {
    lake: storage.lake,
    containers: { raw: config.containers.raw, curated: config.containers.curated, quarantine: config.containers.quarantine },
    compression: config.etl.parquetCompression,
    fence: () => lease?.assertHeld(),
  };
  if (state.etag === undefined) await refuseWithoutWatermark(target, spec.name, config.tables.watermarks, now);

  const initialFrom = new Date(now.getTime() - config.etl.initialLookbackDays * DAY_MS);
  const pending = summary.dryRun ? undefined : state.pending;
  const runId = pending?.runId ?? summary.runId;
  // A clock that moved back never moves the window back: what is committed stays committed.
  const upper = pending?.upper ?? later(new Date(now.getTime() - config.etl.settleDelayMs), state.windowUpper);
  const from = state.last?.createdAt ?? pending?.from ?? initialFrom;
  const window: ExtractWindow = { lower: state.last ?? { createdAt: from }, upper };
  const previousUpper = state.windowUpper ?? from;
  const log = ctx.log.child({ collection: spec.name, runId });
  Object.assign(summary, { runId, replayed: pending !== undefined, windowFrom: from, windowTo: upper });
  // A replay replaces its own files (the crashed attempt's), fenced on the versions it saw.
  target.commitMode = pending ? "replace" : "create";

  if (pending) log.warn(`${spec.name}: replaying unfinished window ${runId} (up to ${upper.toISOString()})`);
  log.info(`${spec.name} (since ${from.toISOString()}):`);

  let etag = state.etag;
  if (!summary.dryRun) {
    etag = await store.write(state, { ...state, pending: { runId, from, upper, since: pending?.since ?? now } });
    await crashpoint("after-claim", spec.name);
  }

  const db = await ctx.db();
  // Erasures accepted since the caller read the exclusion count too (read under the lease).
  const exclusion = await withErasures(ctx, options.exclusion ?? (await loadTesterExclusion(db)));
  const excludeTesters = testerFilter(spec.testerRule, exclusion.idVariants, excludedProfileFilter, exclusion.erased);
  const collection = db.collection(spec.name);
  summary.testersExcluded = await countExcluded(spec, exclusion, (f) => collection.countDocuments(windowFilter(window, f)));

  const files: FileWritten[] = [];
  const closePartition = async (partition: PartitionFiles | undefined) => {
    if (!partition) return;
    const written = await partition.close();
    files.push(...written);
    for (const f of written) {
      const noun = f.zone === "curated" ? "rows" : "docs";
      log.info(`  ${f.zone}: ${f.count} ${noun} → ${f.path}`, { partition: partition.day });
    }
    await crashpoint("partition-closed", spec.name);
  };
  const quarantine = async (p: PartitionFiles, doc: Document, reason: string) => {
    log.warn(`Skipping doc ${describeId(doc._id)}: ${reason}`);
    await p.writeQuarantine(doc, reason);
    summary.quarantined++;
  };
  const stillHeld = () => {
    if (lease && !lease.held) throw new LeaseLostError(spec.name);
  };

  /** Raw, then curated or quarantine. Anything that fails for this document alone quarantines it. */
  const place = async (p: PartitionFiles, original: Document) => {
    let doc = original;
    let line: string;
    try {
      line = toRawLine(doc);
      if (hasUnreadableDate(line)) {
        doc = await rereadExact(collection, doc);
        line = toRawLine(doc);
      }
    } catch (err) {
      await quarantine(p, doc, `cannot be written as Extended JSON: ${errorText(err)}`);
      return;
    }
    await p.writeRawLine(line);
    summary.rawRows++;
    const curation = curate(spec, doc, runId);
    if ("rejected" in curation) {
      await quarantine(p, doc, curation.rejected);
      return;
    }
    try {
      await p.writeCurated(curation.row);
    } catch (err) {
      await quarantine(p, doc, `curated row cannot be written: ${errorText(err)}`);
      return;
    }
    summary.curatedRows++;
    if (curation.issues.length > 0) summary.rowsWithIssues++;
    if (curation.note) summary.notes[curation.note] = (summary.notes[curation.note] ?? 0) + 1;
  };

  const maxDocs = config.etl.windowMaxDocs;
  const stopAt = Date.now() + config.etl.windowMaxMs;
  let last: DocKey | undefined;
  let partition: PartitionFiles | undefined;
  /** Documents placed off their ObjectId's day: recorded before the commit, for the change pass's moves. */
  const offDay = new OffDayPlacements();
  /** The window's end as committed: `upper`, or the checkpoint's createdAt when a bound stopped it. */
  let committedUpper = upper;
  const cursor = collection.find(windowFilter(window, excludeTesters), {
    sort: extractionSort,
    batchSize: config.etl.batchSize,
    ...documentReadOptions,
  });
  try {
    for await (const doc of readAhead(cursor, config.etl.batchSize * 2)) {
      stillHeld();
      const createdAt = doc.createdAt as Date;
      const day = utcDay(createdAt);
      summary.extracted++;
      last = { createdAt, id: doc._id };
      if (!summary.dryRun) {
        if (partition?.day !== day) {
          await closePartition(partition);
          partition = new PartitionFiles(target, spec, day, runId);
        }
        await place(partition, doc);
        offDay.note(doc._id, day);
        await crashpoint("doc-written", spec.name);
      }
      if (summary.extracted >= maxDocs || Date.now() >= stopAt) {
        // A checkpoint: the window ends at this document; the next run goes on from it.
        summary.caughtUp = false;
        committedUpper = later(createdAt, previousUpper);
        break;
      }
    }
    await closePartition(partition);
    partition = undefined;

    // Documents whose createdAt is missing or not a Date (lib/extract/window.ts untimedFilter).
    const untimed = collection.find(untimedFilter(previousUpper, committedUpper, excludeTesters), {
      sort: { _id: 1 },
      batchSize: config.etl.batchSize,
      ...documentReadOptions,
    });
    try {
      let seen: Set<string> | undefined;
      let untimedPartition: PartitionFiles | undefined;
      for await (const doc of untimed) {
        stillHeld();
        summary.extracted++;
        if (summary.dryRun) continue;
        const reason = untimedReason(doc);
        const id = doc._id as { getTimestamp?: () => Date; _bsontype?: string };
        if (id?._bsontype !== "ObjectId") {
          seen ??= await listUntimedFiles(target, spec.name);
          const written = await writeUntimedOnce(target, spec.name, doc, reason, seen);
          if (written) {
            log.warn(`Skipping doc ${describeId(doc._id)}: ${reason} (no time in its _id either: ${written.path})`);
            files.push(written);
            summary.quarantined++;
          }
          continue;
        }
        const day = utcDay(id.getTimestamp!());
        if (untimedPartition?.day !== day) {
          await closePartition(untimedPartition);
          untimedPartition = new PartitionFiles(target, spec, day, `${runId}_untimed`);
          partition = untimedPartition;
        }
        await quarantine(untimedPartition, doc, reason);
      }
      await closePartition(untimedPartition);
      partition = undefined;
    } finally {
      await untimed.close();
    }
  } catch (err) {
    await partition?.abort(err instanceof Error ? err : new Error(String(err)));
    throw err;
  } finally {
    await cursor.close();
  }

  // Documents dated after the window's upper bound wait for it; counted so they are never silent.
  summary.heldBack = summary.caughtUp ? await collection.countDocuments({ $and: [{ createdAt: { $gt: upper } }, ...(excludeTesters ? [excludeTesters] : [])] }) : 0;
  if (summary.heldBack > 0) log.info(`${spec.name}: ${summary.heldBack} documents dated after ${upper.toISOString()} wait until their createdAt is settled`);

  summary.files = files;
  const next: WatermarkState = { collection: spec.name, last: last ?? state.last, windowUpper: committedUpper };
  summary.windowTo = committedUpper;
  if (!summary.dryRun) {
    if (summary.replayed) await sweepStaleFiles(target, spec.name, runId, previousUpper, from, upper, files);
    await new PlacementStore(storage.table(config.tables.watermarks)).add(spec.name, offDay);
    await crashpoint("before-commit", spec.name);
    lease?.assertHeld();
    await store.write({ ...state, etag }, next);
    await crashpoint("after-commit", spec.name);
  }
  if (!summary.caughtUp) log.warn(`${spec.name}: window bound reached after ${summary.extracted} documents; committed up to ${last?.createdAt.toISOString()}, the next run continues`);
  summary.watermark = next.last?.createdAt;
  return summary;
}

/**
 * The driver turns a BSON date outside the JS range into an Invalid Date. Such a document is read
 * again as raw bytes and decoded with its dates exact (lib/extract/decode-document.ts).
 */
async function rereadExact(collection: Collection, doc: Document): Promise<Document> {
  const bytes = await collection.find({ _id: doc._id }, { raw: true, limit: 1 }).next();
  return bytes ? decodeDocument(bytes as unknown as Uint8Array) : doc;
}

/**
 * No watermark row, but the lake holds files: the row was deleted or lost. Starting again from the
 * lookback would load every document a second time, so the run refuses and says how to recover.
 */
async function refuseWithoutWatermark(target: LakeTarget, collection: string, table: string, now: Date): Promise<void> {
  for (const zone of ["raw", "curated", "quarantine"] as LakeZone[]) {
    const page = await target.lake
      .getContainerClient(target.containers[zone])
      .listBlobsFlat({ prefix: `${collection}/` })
      .byPage({ maxPageSize: 1 })
      .next();
    const first = page.done ? undefined : page.value.segment.blobItems[0]?.name;
    if (!first) continue;
    const oldest = /date=(\d{4}-\d{2}-\d{2})/.exec(first)?.[1] ?? "the oldest day in the lake";
    throw new Error(
      `${collection} has no watermark row in table ${table}, yet the lake already holds its files (${zone}/${first}); ` +
        "running would load its whole lookback again on top of them (every document twice), so nothing was written. " +
        `To recover, submit a full backfill from ${oldest} to ${utcDay(now)} for ${collection} with repairWatermark: true ` +
        "(CLI --repair-watermark): it re-creates the watermark at the newest settled document and rebuilds those days from MongoDB. " +
        "Never delete a watermark row to reset a collection.",
    );
  }
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
 * A replay can write fewer partitions than the crashed attempt (documents deleted since, or an
 * earlier stop at the window bound). Files of this runId that the replay did not write hold rows
 * it did not commit: remove them, while the lease is still provably held.
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
      target.fence?.();
      deletions.push(target.lake.getContainerClient(target.containers[zone]).deleteBlob(blobName).catch(() => undefined));
    }
  }
  await Promise.all(deletions);
}
