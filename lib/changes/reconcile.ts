import { BSON, type Document, type Filter } from "mongodb";
import { atOrBefore, dayBounds } from "../backfill/day-filter.js";
import { changeFieldOf, collections as allCollections, type CollectionSpec } from "../collections/index.js";
import { documentReadOptions } from "../extract/decode-document.js";
import { excludedProfileFilter } from "../extract/testers.js";
import { testerFilter } from "../extract/window.js";
import { formatRunId, utcDay } from "../load/lake-paths.js";
import type { EtlContext } from "../pipeline/context.js";
import { departure, exactDocument, readRawState, snapshotPartition } from "../rewrite/index.js";
import { acquireCollectionLease } from "../state/collection-lease.js";
import { WatermarkStore } from "../state/watermarks.js";
import { applyDayChanges, type Leaving } from "./apply-day-changes.js";
import { curatedId, curatedIdCounts } from "./curated-ids.js";
import { loadLakeExclusion, withErasures } from "./erasure.js";
import { lakeTarget } from "./purge.js";
import { OffDayPlacements, PlacementStore } from "./placements.js";
import { UnfinishedDays } from "./unfinished-days.js";

const DAY_MS = 86_400_000;
export const DEFAULT_RECONCILE_DAYS = 7;

/** What reconcile found in one (collection, day) and whether it repaired it. */
export interface DayDrift {
  collection: string;
  day: string;
  mongo: number;
  curated: number;
  /** Live in MongoDB, absent from curated: loaded. */
  missing: number;
  /** In curated, not live in MongoDB (deleted, moved, excluded): tombstoned and removed. */
  extra: number;
  /** Rows beyond the first of an id: removed. */
  duplicates: number;
  repaired: boolean;
  /** Set when the collection could not be reconciled (lease held, pending window). */
  skipped?: string;
}

export interface ReconcileResult {
  runId: string;
  days: DayDrift[];
  drift: boolean;
}

export interface ReconcileOptions {
  days?: number;
  collections?: readonly CollectionSpec[];
  now?: Date;
}

const hasDrift = (d: DayDrift) => d.missing + d.extra + d.duplicates > 0;

/**
 * Compares, per (collection, day) of the last `days` days, MongoDB's live non-tester _ids that
 * committed insert windows own with curated's ids, and repairs what differs through the rewrite
 * stage: missing documents loaded (raw version + curated row), extra rows tombstoned in raw (a
 * documented record, DESIGN "raw is history") and dropped from curated, duplicate rows collapsed.
 * Each collection runs under its lease, so no insert window or change pass is in flight.
 */
export async function reconcile(ctx: EtlContext, options: ReconcileOptions = {}): Promise<ReconcileResult> {
  const now = options.now ?? new Date();
  const runId = formatRunId(now);
  const count = options.days ?? DEFAULT_RECONCILE_DAYS;
  const days = Array.from({ length: count }, (_, i) => utcDay(new Date(now.getTime() - (count - 1 - i) * DAY_MS)));
  const result: ReconcileResult = { runId, days: [], drift: false };
  const exclusion = await loadLakeExclusion(ctx); // erased students are not "missing"
  for (const spec of options.collections ?? allCollections) {
    const lease = await acquireCollectionLease(ctx.storage.stateBlobs.getContainerClient(ctx.config.containers.locks), spec.name, ctx.config.etl.leaseSeconds, 60_000);
    const skip = (reason: string) => days.forEach((day) => result.days.push({ collection: spec.name, day, mongo: 0, curated: 0, missing: 0, extra: 0, duplicates: 0, repaired: false, skipped: reason }));
    if (!lease) {
      skip("another run holds the collection's lease; run reconcile again");
      continue;
    }
    try {
      const wm = await new WatermarkStore(ctx.storage.table(ctx.config.tables.watermarks)).read(spec.name);
      if (wm.pending || !wm.last) {
        skip(wm.pending ? `insert window ${wm.pending.runId} is pending` : "nothing committed yet");
        continue;
      }
      const current = await withErasures(ctx, exclusion); // requests accepted since: read under the lease
      const testers = testerFilter(spec.testerRule, current.idVariants, excludedProfileFilter, current.erased);
      for (const day of days) {
        if (new Date(`${day}T00:00:00Z`) > wm.last.createdAt) continue; // the hourly path has not reached it
        result.days.push(await reconcileDay(ctx, spec, day, { last: wm.last, testers, now, runId, stillHeld: () => lease.held }));
      }
    } finally {
      await lease.release();
    }
  }
  result.drift = result.days.some(hasDrift);
  return result;
}

interface DayContext {
  last: NonNullable<Awaited<ReturnType<WatermarkStore["read"]>>["last"]>;
  testers: Filter<Document> | undefined;
  now: Date;
  runId: string;
  stillHeld: () => boolean;
}

async function reconcileDay(ctx: EtlContext, spec: CollectionSpec, day: string, dc: DayContext): Promise<DayDrift> {
  const target = lakeTarget(ctx);
  const { start, end } = dayBounds(day);
  const collection = (await ctx.db()).collection(spec.name);
  const owned: Filter<Document>[] = [{ createdAt: { $gte: start, $lt: end } }, atOrBefore(dc.last)];
  if (dc.testers) owned.push(dc.testers);
  const live = new Map<string, unknown>();
  for await (const doc of collection.find({ $and: owned }, { projection: { _id: 1 } })) live.set(curatedId(doc._id), doc._id);

  const watermarks = new WatermarkStore(ctx.storage.table(ctx.config.tables.watermarks));
  const snapshot = await snapshotPartition(target, watermarks, spec.name, day, ["raw", "curated"]);
  const counts = await curatedIdCounts(target, snapshot.committed.curated);
  const drift: DayDrift = { collection: spec.name, day, mongo: live.size, curated: counts.size, missing: 0, extra: 0, duplicates: 0, repaired: false };
  const missing = [...live.keys()].filter((id) => !counts.has(id));
  const extra = [...counts.keys()].filter((id) => !live.has(id));
  drift.missing = missing.length;
  drift.extra = extra.length;
  drift.duplicates = [...counts.values()].reduce((n, c) => n + c - 1, 0);
  if (!hasDrift(drift)) return drift;

  // Extra rows: their _id as raw holds it, and why they left (MongoDB says where the document is now).
  const extras = new Set(extra);
  const state = await readRawState(target, snapshot.committed.raw, changeFieldOf(spec));
  const extraIds: unknown[] = [];
  for (const [text, key] of state.newest) {
    if (key.tombstone) continue;
    const id = (BSON.EJSON.parse(`{"v":${text}}`, { relaxed: false }) as { v: unknown }).v;
    if (extras.has(curatedId(id))) extraIds.push(id);
  }
  const elsewhere = new Map<string, Document>();
  if (extraIds.length > 0) {
    for await (const doc of collection.find({ _id: { $in: extraIds } } as Filter<Document>, { projection: { _id: 1, createdAt: 1 } })) elsewhere.set(curatedId(doc._id), doc);
  }
  // Why each left (the rebuild's rule); one MongoDB still places here is not one curated keeps (a tester's).
  const leaving: Leaving[] = extraIds.map((id) => ({ id, version: dc.now, ...(departure(elsewhere.get(curatedId(id)), day) ?? { reason: "excluded" }) }));
  const incoming = missing.length > 0 ? await collection.find({ _id: { $in: missing.map((m) => live.get(m)) } } as Filter<Document>, documentReadOptions).toArray() : [];

  // Stopped between writing and retiring, this day would show both; the next change pass finishes it.
  const unfinished = new UnfinishedDays(ctx.storage.table(ctx.config.tables.watermarks));
  await unfinished.add(spec.name, day, `reconcile_${dc.runId}`);
  // Loaded here off their ObjectId's day: the change pass must find them here when they move.
  const offDay = new OffDayPlacements();
  for (const doc of incoming) offDay.note(doc._id, day);
  await new PlacementStore(ctx.storage.table(ctx.config.tables.watermarks)).add(spec.name, offDay);
  await applyDayChanges(
    {
      target,
      spec,
      watermarks,
      locks: ctx.storage.stateBlobs.getContainerClient(ctx.config.containers.locks),
      leaseSeconds: ctx.config.etl.leaseSeconds,
      fileId: `reconcile_${dc.runId}`,
      log: ctx.log.child({ collection: spec.name }),
      stillHeld: dc.stillHeld,
      now: dc.now,
      reread: exactDocument(collection),
    },
    { day, incoming, leaving, force: true },
  );
  await unfinished.remove(spec.name, day);
  drift.repaired = true;
  ctx.log.warn(`${spec.name} ${day}: reconciled ${drift.missing} missing, ${drift.extra} extra, ${drift.duplicates} duplicate rows`, { collection: spec.name, partition: day });
  return drift;
}

/** The table the CLI prints. */
export function driftTable(result: ReconcileResult): string {
  const header = ["collection", "day", "mongo", "curated", "missing", "extra", "duplicates", "repaired"];
  const rows = result.days.map((d) => [d.collection, d.day, String(d.mongo), String(d.curated), String(d.missing), String(d.extra), String(d.duplicates), d.skipped ? `skipped: ${d.skipped}` : d.repaired ? "yes" : "-"]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}
