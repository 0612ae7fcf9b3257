import type { RunRecord } from "../state/run-history.js";
import type { WatermarkState } from "../state/watermarks.js";

/**
 * How fresh one collection is, as plain JSON (the health endpoint's body and the CLI table).
 *
 * Lag is "how far behind the clock the lake is complete": now minus the upper bound of the last
 * committed window (the watermark table's windowUpper; the last successful run's window end when
 * that is missing). Every document created before that instant is in the lake. A quiet collection
 * whose runs succeed stays fresh however old its newest document is, while a collection whose runs
 * fail or stop falls behind by one hour per missed run. The watermark lag (now minus the newest
 * committed document's createdAt) is reported beside it for information: it measures how quiet
 * the source is, not whether the ETL works.
 */
export type Freshness = "fresh" | "stale";

export interface RunView {
  runId: string;
  outcome: RunRecord["outcome"];
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  documents: number;
  rawRows: number;
  curatedRows: number;
  quarantined: number;
  windowFrom: string | null;
  windowTo: string | null;
}

export interface CollectionHealth {
  collection: string;
  status: Freshness;
  /** Whole minutes since `completeUpTo`; null when no window was ever committed. */
  lagMinutes: number | null;
  /** Every document created before this instant is in the lake. */
  completeUpTo: string | null;
  /** Why the collection is stale; absent when fresh. */
  reason?: string;
  lastRun: RunView | null;
  lastSuccess: RunView | null;
  lastError: { runId: string; at: string; message: string } | null;
  /** createdAt of the newest committed document, and how old it is (information only). */
  watermark: string | null;
  watermarkLagMinutes: number | null;
}

export interface CollectionState {
  collection: string;
  watermark?: WatermarkState;
  lastRun?: RunRecord;
  lastSuccess?: RunRecord;
  lastFailure?: RunRecord;
}

const MINUTE_MS = 60_000;

const iso = (d: Date | undefined) => d?.toISOString() ?? null;
const minutesSince = (now: Date, then: Date | undefined) => (then ? Math.max(0, Math.floor((now.getTime() - then.getTime()) / MINUTE_MS)) : null);

function view(run: RunRecord | undefined): RunView | null {
  if (!run) return null;
  return {
    runId: run.runId,
    outcome: run.outcome,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt.toISOString(),
    durationMs: run.durationMs,
    documents: run.extracted,
    rawRows: run.rawRows,
    curatedRows: run.curatedRows,
    quarantined: run.quarantined,
    windowFrom: iso(run.windowFrom),
    windowTo: iso(run.windowTo),
  };
}

export function assessCollection(state: CollectionState, now: Date, maxLagMinutes: number): CollectionHealth {
  // A window that stopped at its bound committed up to its checkpoint, which its windowUpper is.
  const completeUpTo = state.watermark?.windowUpper ?? state.lastSuccess?.windowTo;
  const catchingUp = state.lastRun?.outcome === "success" && state.lastRun.caughtUp === false;
  const lagMs = completeUpTo ? now.getTime() - completeUpTo.getTime() : undefined;
  const stale = lagMs === undefined || lagMs > maxLagMinutes * MINUTE_MS;
  const watermark = state.watermark?.last?.createdAt ?? state.lastSuccess?.watermark;
  const lagMinutes = minutesSince(now, completeUpTo);
  let reason: string | undefined;
  if (lagMs === undefined) reason = "no window was ever committed";
  else if (stale) reason = `complete only up to ${completeUpTo!.toISOString()}: ${lagMinutes} min behind, more than ${maxLagMinutes}`;
  if (reason && state.lastRun?.outcome === "failed") reason += `; last run ${state.lastRun.runId} failed`;
  if (catchingUp) reason = `${reason ? `${reason}; ` : ""}catching up: the last window stopped at its bound, the backlog drains across runs`;
  return {
    collection: state.collection,
    status: stale ? "stale" : "fresh",
    lagMinutes,
    completeUpTo: iso(completeUpTo),
    ...(reason ? { reason } : {}),
    lastRun: view(state.lastRun),
    lastSuccess: view(state.lastSuccess),
    lastError: state.lastFailure
      ? { runId: state.lastFailure.runId, at: state.lastFailure.finishedAt.toISOString(), message: state.lastFailure.error ?? "(no message)" }
      : null,
    watermark: iso(watermark),
    watermarkLagMinutes: minutesSince(now, watermark),
  };
}
