import type { Db } from "mongodb";
import type { DocKey } from "../extract/window.js";
import { daysBetween } from "../load/lake-paths.js";
import type { EtlContext } from "../pipeline/context.js";
import { acquireCollectionLease, type HeldLease } from "../state/collection-lease.js";
import { WatermarkStore, type WatermarkState } from "../state/watermarks.js";
import type { WatermarkChange } from "./job-store.js";

/** Submit refused because of the state of a watermark; the HTTP answer is 409 with `problems`. */
export class BackfillConflictError extends Error {
  constructor(readonly problems: string[]) {
    super(`Backfill not started:\n  - ${problems.join("\n  - ")}`);
    this.name = "BackfillConflictError";
  }
}

/** How long submit waits for an hourly run to release a collection it must change. */
const LEASE_WAIT_MS = 30_000;

const iso = (d: Date | undefined) => d?.toISOString();

function isAhead(state: WatermarkState, settled: Date): boolean {
  return (state.last !== undefined && state.last.createdAt > settled) || (state.windowUpper !== undefined && state.windowUpper > settled);
}

/**
 * A full backfill rebuilds what committed windows own (keys <= the watermark) and leaves the rest
 * to the hourly runs, so every selected collection needs a sound watermark first:
 * - no row yet: refused, only the first hourly run creates it; with `repairWatermark` (recovering a
 *   lost row) it is created here. A row whose windows held no document yet is initialised at the
 *   newest settled document, so the backfill owns history and the hourly run continues after it
 *   instead of re-reading 90 days;
 * - ahead of the data (after `now - settleDelay`): refused unless `repairWatermark`, which moves it
 *   back to the newest settled document and adds the days up to its old position to the job (their
 *   files hold documents the hourly runs will now extract again);
 * - a first window still pending: refused (let the hourly run finish or replay it).
 * Changes are written under the collection's lease with an ETag-conditional update, and logged.
 */
export async function prepareWatermarks(ctx: EtlContext, collections: string[], repair: boolean, now: Date): Promise<WatermarkChange[]> {
  const store = new WatermarkStore(ctx.storage.table(ctx.config.tables.watermarks));
  const settled = new Date(now.getTime() - ctx.config.etl.settleDelayMs);
  const states = await Promise.all(collections.map((c) => store.read(c)));

  const problems: string[] = [];
  const toChange: string[] = [];
  for (const state of states) {
    const c = state.collection;
    if (!state.last && state.pending) {
      problems.push(`${c}: its first hourly window (${state.pending.runId}) has not committed yet; let the hourly run finish or replay it, then submit again`);
    } else if (state.etag === undefined && !repair) {
      // Only the hourly path creates a watermark: its first window loads the lookback itself.
      problems.push(
        `${c}: no committed watermark yet; its first hourly run creates it (loading the last ${ctx.config.etl.initialLookbackDays} days). ` +
          "Submit after that run; use repairWatermark: true (CLI --repair-watermark) only to recover a lost watermark row",
      );
    } else if (isAhead(state, settled) && !repair) {
      problems.push(
        `${c}: watermark (${iso(state.last?.createdAt) ?? "none"}, window up to ${iso(state.windowUpper)}) is ahead of the data, ` +
          `which is settled up to ${settled.toISOString()}; submit again with repairWatermark: true (CLI --repair-watermark) to move it back`,
      );
    } else if (!state.last || isAhead(state, settled)) {
      toChange.push(c);
    }
  }
  if (problems.length > 0) throw new BackfillConflictError(problems);
  if (toChange.length === 0) return [];

  const locks = ctx.storage.stateBlobs.getContainerClient(ctx.config.containers.locks);
  const leases = await Promise.all(toChange.map((c) => acquireCollectionLease(locks, c, ctx.config.etl.leaseSeconds, LEASE_WAIT_MS)));
  try {
    const busy = toChange.filter((_, i) => !leases[i]);
    if (busy.length > 0) {
      throw new BackfillConflictError(busy.map((c) => `${c}: an hourly run holds its lease; submit again when it has finished (a minute or two)`));
    }
    const db = await ctx.db();
    const changes: WatermarkChange[] = [];
    for (const c of toChange) changes.push(await changeWatermark(ctx, store, db, c, settled, repair));
    return changes;
  } finally {
    await Promise.all(leases.map((l: HeldLease | undefined) => l?.release()));
  }
}

async function newestSettledKey(db: Db, collection: string, settled: Date): Promise<DocKey | undefined> {
  const doc = await db
    .collection(collection)
    .find({ createdAt: { $lte: settled } }, { sort: { createdAt: -1, _id: -1 }, limit: 1, projection: { _id: 1, createdAt: 1 } })
    .next();
  return doc ? { createdAt: doc.createdAt as Date, id: doc._id } : undefined;
}

async function changeWatermark(ctx: EtlContext, store: WatermarkStore, db: Db, c: string, settled: Date, repair: boolean): Promise<WatermarkChange> {
  const state = await store.read(c); // under the lease now
  if (state.pending) {
    throw new BackfillConflictError([`${c}: window ${state.pending.runId} is pending (crashed or in flight); let the hourly run replay it, then submit again`]);
  }
  const initialize = !state.last;
  const lastAhead = state.last !== undefined && state.last.createdAt > settled;
  if (!initialize && !repair) throw new BackfillConflictError([`${c}: watermark changed while submitting; submit again`]);
  const newest = initialize || lastAhead ? await newestSettledKey(db, c, settled) : state.last;
  // Initialising hands the backfill everything settled, untimed documents included.
  const windowUpper = !initialize && state.windowUpper && state.windowUpper <= settled ? state.windowUpper : settled;
  await store.write(state, { collection: c, last: newest, windowUpper });

  let extraDays = lastAhead && state.last ? daysBetween(newest?.createdAt ?? settled, state.last.createdAt) : [];
  if (initialize && newest) {
    // The job now owns every settled document up to `newest`, not only the requested days: the days
    // of the lookback that hold any (the first hourly window would have loaded them) join the job.
    const lookback = new Date(settled.getTime() - ctx.config.etl.initialLookbackDays * 86_400_000);
    const oldest = await db.collection(c).find({ createdAt: { $gte: lookback, $lte: settled } }, { sort: { createdAt: 1 }, limit: 1, projection: { createdAt: 1 } }).next();
    if (oldest) extraDays = daysBetween(oldest.createdAt as Date, newest.createdAt);
  }
  const change: WatermarkChange = {
    collection: c,
    action: initialize ? "initialized" : "repaired",
    before: { last: iso(state.last?.createdAt), windowUpper: iso(state.windowUpper) },
    after: { last: iso(newest?.createdAt), windowUpper: iso(windowUpper) },
    extraDays,
  };
  ctx.log.warn(
    initialize
      ? `${c}: watermark initialised at the newest settled document (${change.after.last ?? "none"}); hourly runs continue after it, the backfill owns what is before`
      : `${c}: watermark repaired: ${change.before.last ?? "none"} (window ${change.before.windowUpper}) → ${change.after.last ?? "none"} (window ${change.after.windowUpper})` +
          (extraDays.length > 0 ? `; days ${extraDays[0]}…${extraDays.at(-1)} added to the job` : ""),
    { collection: c },
  );
  return change;
}
