import { collections as allCollections, type CollectionSpec } from "../collections/index.js";
import type { TesterExclusion } from "../extract/testers.js";
import type { Logger } from "../log.js";
import { newWindowId } from "../load/lake-paths.js";
import { RunHistory } from "../state/run-history.js";
import { WatermarkStore } from "../state/watermarks.js";
import { recordCollectionRun } from "../telemetry/index.js";
import type { EtlContext } from "./context.js";
import { loadLakeExclusion, purgeFlagged, runChangePass, type ChangePassSummary } from "../changes/index.js";
import { runCollection } from "./run-collection.js";
import { emptySummary, type CollectionRunSummary } from "./summary.js";
import { errorText } from "../telemetry/error-text.js";

export interface EtlRunOptions {
  collections?: readonly CollectionSpec[];
  now?: Date;
  dryRun?: boolean;
}

export interface EtlRunResult {
  runId: string;
  summaries: CollectionRunSummary[];
  /** Documents written to the lake (raw) across collections, or extracted in a dry run. */
  documents: number;
  failed: CollectionRunSummary[];
  /** Change passes that failed (their change mark unchanged; the next cycle replays them). */
  changesFailed: ChangePassSummary[];
}

/**
 * The hourly job: the tester exclusion is computed once, then each collection runs its own window.
 * A failure in one collection does not stop the others; the caller decides how to report it.
 */
export async function runEtl(ctx: EtlContext, options: EtlRunOptions = {}): Promise<EtlRunResult> {
  const now = options.now ?? new Date();
  const specs = options.collections ?? allCollections;
  const runId = newWindowId(now);
  // Run-level lines name every collection of the run (one, for the hourly timers).
  const log = ctx.log.child({ runId, collection: specs.map((s) => s.name).join(",") });
  log.info(`ETL run: ${runId}${options.dryRun ? " (dry run: nothing is written)" : ""}`);
  log.info(`MongoDB: ${ctx.config.mongo.database}`);

  const summaries: CollectionRunSummary[] = [];
  const changesFailed: ChangePassSummary[] = [];
  let exclusion: TesterExclusion;
  try {
    // Erased students stay out of the lake (their documents by userId; see README "How changes reach the lake").
    exclusion = await loadLakeExclusion(ctx);
  } catch (err) {
    // Without the tester list nothing may be written; every collection's run failed.
    const error = errorText(err);
    log.error(`Cannot load tester profiles, no collection runs: ${error}`);
    for (const spec of specs) {
      const summary = { ...emptySummary(spec.name, runId, now, options.dryRun ?? false), outcome: "failed" as const, error };
      summaries.push(await reportRun(ctx, log, summary));
    }
    return { runId, summaries, documents: 0, failed: summaries, changesFailed };
  }
  log.info(`Excluding ${exclusion.profileIds.length} tester/archived profiles`);

  for (const spec of specs) {
    const summary = await reportRun(ctx, log, await runCollection({ ...ctx, log }, spec, { now, dryRun: options.dryRun, exclusion, runId }));
    summaries.push(summary);
    // Changes after creation, once the insert window committed (lib/changes): same lease, same cycle.
    if (!options.dryRun && summary.outcome === "success") {
      const changes = await runChangePass({ ...ctx, log }, spec, { now, exclusion, runId });
      if (changes.outcome === "failed") changesFailed.push(changes);
      const purge = await purgeFlagged({ ...ctx, log }, spec, exclusion, now);
      if (purge.outcome === "failed") changesFailed.push({ ...changes, outcome: "failed", error: `late-flag purge: ${purge.error}` });
    }
    if (summary.quarantined > 0) log.warn(`${spec.name}: ${summary.quarantined} documents quarantined`, { collection: spec.name });
    for (const [note, count] of Object.entries(summary.notes)) log.info(`${spec.name}: ${count} × ${note}`, { collection: spec.name });
    if (options.dryRun) log.info(`  would extract ${summary.extracted} docs`, { collection: spec.name });
  }
  const documents = summaries.reduce((n, s) => n + (options.dryRun ? s.extracted : s.rawRows + countUntimed(s)), 0);
  const failed = summaries.filter((s) => s.outcome === "failed");
  log.info(`Done: ${documents} documents across ${specs.length} collections${failed.length ? `, ${failed.length} failed` : ""}`);
  return { runId, summaries, documents, failed, changesFailed };
}

/**
 * Metrics and the run history row for one collection run. A failed or skipped run still reports
 * the committed watermark, so the lag metric keeps growing through an outage. Telemetry trouble is
 * logged, never fails the run.
 */
async function reportRun(ctx: EtlContext, log: Logger, summary: CollectionRunSummary): Promise<CollectionRunSummary> {
  if (summary.dryRun) return summary;
  const { config, storage } = ctx;
  const runLog = log.child({ collection: summary.collection, runId: summary.runId });
  let reported = summary;
  if (summary.outcome !== "success" && summary.watermark === undefined) {
    const state = await new WatermarkStore(storage.table(config.tables.watermarks)).read(summary.collection).catch(() => undefined);
    reported = { ...summary, watermark: state?.last?.createdAt };
  }
  recordCollectionRun(reported);
  try {
    await new RunHistory(storage.table(config.tables.runs)).recordAndPrune(reported, config.runHistoryRetentionDays);
  } catch (err) {
    runLog.warn(`${summary.collection}: run history not written: ${err instanceof Error ? err.message : String(err)}`);
  }
  return reported;
}

function countUntimed(s: CollectionRunSummary): number {
  return s.extracted - s.rawRows;
}
