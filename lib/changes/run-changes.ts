import type { Document, Filter } from "mongodb";
import { atOrBefore } from "../backfill/day-filter.js";
import { changeFieldOf, type CollectionSpec } from "../collections/spec.js";
import { documentReadOptions } from "../extract/decode-document.js";
import { excludedProfileFilter, type TesterExclusion } from "../extract/testers.js";
import { testerFilter } from "../extract/window.js";
import { newWindowId, utcDay } from "../load/lake-paths.js";
import type { LakeTarget } from "../load/partition-files.js";
import type { EtlContext } from "../pipeline/context.js";
import { crashpoint } from "../pipeline/fault-injection.js";
import { exactDocument, idText } from "../rewrite/index.js";
import { ChangeMarkStore, type ChangeKey } from "../state/change-marks.js";
import { acquireCollectionLease } from "../state/collection-lease.js";
import { WatermarkStore } from "../state/watermarks.js";
import { withErasures } from "./erasure.js";
import { applyDayChanges, type DayChangeResult, type DayChanges } from "./apply-day-changes.js";
import { changeSort, changeWindowFilter } from "./change-window.js";
import { idDay, PlacementStore, type Placement } from "./placements.js";
import { UnfinishedDays } from "./unfinished-days.js";

/** Documents one pass reads at most; a larger backlog drains in committed steps across runs. */
export const MAX_CHANGES_PER_PASS = 20_000;
/** Where the first pass of a collection starts: this far before the insert path's committed window. */
const FIRST_PASS_LOOKBACK_MS = 24 * 3_600_000;

export interface ChangePassSummary {
  collection: string;
  runId: string;
  outcome: "success" | "skipped" | "failed";
  reason?: string;
  replayed: boolean;
  /** Documents the change cursor returned (MongoDB reads). */
  read: number;
  /** Of those, changed since creation (updatedAt after createdAt). */
  changed: number;
  moved: number;
  days: DayChangeResult[];
  /** Bytes of the files this pass wrote. */
  durationMs: number;
  error?: string;
}

export interface ChangePassOptions {
  now?: Date;
  exclusion: TesterExclusion;
  /** Id of a fresh pass (unique per run: two passes in one second never share file names); made here when absent. */
  runId?: string;
  /** Test seam: runs after each day is rewritten. */
  afterDay?: (day: string) => Promise<void>;
}

export const changeFileId = (runId: string) => `changes_${runId}`;

/**
 * Change capture for one collection, after its insert window: under the collection's lease (so no
 * insert window is in flight), read the documents whose change field moved past the committed
 * change mark (indexed `(updatedAt, _id)` cursor, up to now minus the settle delay) that committed
 * insert windows already own, and rewrite each affected partition once: the day of their current
 * createdAt, and the day they left when createdAt moved. Claim → rewrite → ETag commit, as the
 * insert path; a crashed pass is replayed with its runId and upper bound.
 */
export async function runChangePass(ctx: EtlContext, spec: CollectionSpec, options: ChangePassOptions): Promise<ChangePassSummary> {
  const now = options.now ?? new Date();
  const started = Date.now();
  const summary: ChangePassSummary = { collection: spec.name, runId: options.runId ?? newWindowId(now), outcome: "success", replayed: false, read: 0, changed: 0, moved: 0, days: [], durationMs: 0 };
  const { config, storage } = ctx;
  const log = ctx.log.child({ collection: spec.name });
  const lease = await acquireCollectionLease(storage.stateBlobs.getContainerClient(config.containers.locks), spec.name, config.etl.leaseSeconds, config.etl.leaseWaitMs);
  if (!lease) return { ...summary, outcome: "skipped", reason: "another run holds the collection's lease" };
  try {
    const watermarks = new WatermarkStore(storage.table(config.tables.watermarks));
    const wm = await watermarks.read(spec.name);
    if (wm.pending) return { ...summary, outcome: "skipped", reason: `insert window ${wm.pending.runId} is pending; its replay goes first` };
    if (!wm.last || !wm.windowUpper) return { ...summary, outcome: "skipped", reason: "nothing committed yet" };

    const marks = new ChangeMarkStore(storage.table(config.tables.watermarks));
    const mark = await marks.read(spec.name);
    const runId = mark.pending?.runId ?? summary.runId;
    const upper = mark.pending?.upper ?? new Date(now.getTime() - config.etl.settleDelayMs);
    Object.assign(summary, { runId, replayed: mark.pending !== undefined });
    if (mark.pending) log.warn(`${spec.name}: replaying unfinished change pass ${runId} (up to ${upper.toISOString()})`);
    const etag = await marks.write(mark, { ...mark, pending: { runId, upper, since: mark.pending?.since ?? now } });
    await crashpoint("changes-claimed", spec.name);

    const field = changeFieldOf(spec);
    const lower = new Date(wm.windowUpper.getTime() - FIRST_PASS_LOOKBACK_MS);
    const extra: Filter<Document>[] = [{ createdAt: { $type: "date" } }, atOrBefore(wm.last)]; // insert windows own the rest
    const exclusion = await withErasures(ctx, options.exclusion); // under the lease, as the erasure
    const testers = testerFilter(spec.testerRule, exclusion.idVariants, excludedProfileFilter, exclusion.erased);
    if (testers) extra.push(testers);
    const db = await ctx.db();
    const cursor = db.collection(spec.name).find(changeWindowFilter(field, mark.last, lower, upper, extra), {
      sort: changeSort(field),
      limit: MAX_CHANGES_PER_PASS,
      batchSize: config.etl.batchSize,
      ...documentReadOptions, // regexes as BSONRegExp: a PCRE-only pattern would throw inside the cursor
    });
    const changed: Document[] = [];
    let last: ChangeKey | undefined = mark.last;
    try {
      for await (const doc of cursor) {
        summary.read++;
        last = { changedAt: doc[field] as Date, id: doc._id };
        // Unchanged since creation: the insert path holds exactly this version.
        if ((doc[field] as Date).getTime() === (doc.createdAt as Date).getTime()) continue;
        changed.push(doc);
      }
    } finally {
      await cursor.close();
    }
    summary.changed = changed.length;
    // Nothing read yet, ever: commit the upper bound, or the next pass would start from a lookback
    // that moves with the insert window and skip what changed before it (after a gap of over a day;
    // found by the fault-schedule simulation).
    last ??= { changedAt: upper, id: undefined };

    const placements = new PlacementStore(storage.table(config.tables.watermarks));
    const placed = changed.length > 0 ? await placements.lookup(spec.name, changed.map((d) => d._id)) : new Map<string, Placement[]>();
    const days = new Map<string, DayChanges>();
    const dayOf = (day: string) => days.get(day) ?? days.set(day, { day, incoming: [], leaving: [] }).get(day)!;
    const moves: { id: unknown; day: string }[] = [];
    for (const doc of changed) {
      const day = utcDay(doc.createdAt as Date);
      dayOf(day).incoming.push(doc);
      // Where it may be: its ObjectId's day and every day a placer recorded for it (lib/changes/
      // placements.ts); a day that does not hold it costs one read and writes nothing.
      const recorded = placed.get(idText(doc._id)) ?? [];
      const before = new Set([idDay(doc._id), ...recorded.map((p) => p.day)]);
      before.delete(day);
      for (const old of [...before].filter((d) => d !== undefined)) {
        dayOf(old).leaving.push({ id: doc._id, reason: "moved", version: doc[field] as Date, movedTo: day });
      }
      if (before.size > 0 || recorded.length > 0 || idDay(doc._id) !== day) moves.push({ id: doc._id, day }); // a placer too
    }

    // Days a stopped reconcile left with its replacement and what it supersedes: rewritten here.
    const unfinished = new UnfinishedDays(storage.table(config.tables.watermarks));
    const unfinishedDays = await unfinished.list(spec.name);
    for (const day of unfinishedDays) dayOf(day).force = true;

    const target: LakeTarget = {
      lake: storage.lake,
      containers: { raw: config.containers.raw, curated: config.containers.curated, quarantine: config.containers.quarantine },
      compression: config.etl.parquetCompression,
    };
    const apply = {
      target,
      spec,
      watermarks,
      locks: storage.stateBlobs.getContainerClient(config.containers.locks),
      leaseSeconds: config.etl.leaseSeconds,
      fileId: changeFileId(runId),
      log,
      stillHeld: () => lease.held,
      now,
      reread: exactDocument(db.collection(spec.name)),
    };
    for (const day of [...days.keys()].sort()) {
      const result = await applyDayChanges(apply, days.get(day)!);
      summary.days.push(result);
      summary.moved += result.tombstones;
      await options.afterDay?.(day);
    }
    await placements.settle(spec.name, moves, placed);

    await crashpoint("changes-before-commit", spec.name);
    if (!lease.held) throw new Error(`Lost the lease on ${spec.name} during the change pass; not committing (the next pass replays)`);
    await marks.write({ ...mark, etag }, { collection: spec.name, last });
    for (const day of unfinishedDays) await unfinished.remove(spec.name, day);
    await crashpoint("changes-after-commit", spec.name);
    const rewritten = summary.days.filter((d) => d.status === "rewritten");
    log.info(`${spec.name}: change pass ${runId}: ${summary.read} read, ${summary.changed} changed, ${summary.moved} moved, ${rewritten.length} partitions rewritten`, { runId });
    return { ...summary, durationMs: Date.now() - started };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log.error(`${spec.name}: change pass failed, change mark unchanged: ${message}`);
    return { ...summary, outcome: "failed", error: message, durationMs: Date.now() - started };
  } finally {
    await lease.release();
  }
}
