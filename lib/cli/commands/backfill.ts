import type { Command } from "commander";
import type { DrainEvent } from "../../backfill/drain.js";
import type { BackfillBody } from "../../backfill/request.js";
import type { EtlContext } from "../../pipeline/context.js";
import type { CliSession } from "../context.js";
import { exitCodes } from "../io.js";
import { collectionOption, daysOption, nowOption, type CommonFlags } from "../options.js";

interface BackfillFlags extends CommonFlags {
  days?: number;
  from?: string;
  to?: string;
  rescoreOnly?: boolean;
  repairWatermark?: boolean;
}

/**
 * `etl backfill [--days N | --from D --to D] [--collection X] [--rescore-only] [--repair-watermark]`:
 * the same job as POST /api/backfill (same validation, planner, queue and chunk worker), drained
 * in-process until every chunk is done or failed. A Functions app on the same storage helps drain
 * it; chunks left when this process stops are finished by the app or the next drain. The backfill
 * modules load when the command runs, not when the CLI parses.
 */
export function registerBackfill(parent: Command, session: CliSession): void {
  parent
    .command("backfill")
    .description("rebuild history day by day (see docs/BACKFILL.md); exit 1 when a chunk failed")
    .addOption(daysOption("how many days back, today included (default 90)").conflicts(["from", "to"]))
    .option("--from <YYYY-MM-DD>", "first UTC day of an explicit range (with --to)")
    .option("--to <YYYY-MM-DD>", "last UTC day of an explicit range (with --from)")
    .addOption(collectionOption())
    .option("--rescore-only", "rewrite curated files only (new quality_version)")
    .option("--repair-watermark", "also move a watermark that ran ahead back to the data")
    .addOption(nowOption())
    .action(async (flags: BackfillFlags) => {
      session.exitCode = await backfill(await session.context(), flags);
    });
}

async function backfill(ctx: EtlContext, flags: BackfillFlags): Promise<number> {
  const [{ BackfillConflictError }, { drainQueue }, { readJobStatus }, { parseChunkMessage }, { parseBackfillRequest }, { submitBackfill }] =
    await Promise.all([
      import("../../backfill/prepare-watermarks.js"),
      import("../../backfill/drain.js"),
      import("../../backfill/job-status.js"),
      import("../../backfill/chunk-message.js"),
      import("../../backfill/request.js"),
      import("../../backfill/submit.js"),
    ]);
  const now = flags.now ?? new Date();
  const body: BackfillBody = {
    ...(flags.collection ? { collections: flags.collection } : {}),
    ...(flags.days !== undefined ? { days: flags.days } : {}),
    ...(flags.from !== undefined ? { from: flags.from } : {}),
    ...(flags.to !== undefined ? { to: flags.to } : {}),
    rescoreOnly: flags.rescoreOnly ?? false,
    repairWatermark: flags.repairWatermark ?? false,
  };
  const parsed = parseBackfillRequest(body, now, { earliestDay: ctx.config.backfill.earliestDay });
  if (!parsed.ok) {
    for (const problem of parsed.problems) ctx.log.error(`backfill: ${problem}`);
    return exitCodes.unusable;
  }

  let job;
  try {
    job = await submitBackfill(ctx, parsed.request, { now });
  } catch (err) {
    if (!(err instanceof BackfillConflictError)) throw err;
    for (const problem of err.problems) ctx.log.error(`backfill: ${problem}`);
    return exitCodes.unusable;
  }
  ctx.log.info(`Backfill job ${job.jobId}: ${job.chunks} chunks; draining the queue here (status: GET /api/backfill/${job.jobId})`);

  const started = Date.now();
  let finished = 0;
  const progress = (event: DrainEvent) => {
    if (event.kind === "done") {
      const { chunk, counts, durationMs } = event.result;
      if (chunk.jobId !== job.jobId) return;
      finished++;
      const what = counts ? `${counts.documents} docs (curated ${counts.curatedRows}, quarantined ${counts.quarantined})` : "already done";
      ctx.log.info(`[${finished}/${job.chunks}] ${chunk.collection} ${chunk.day}: ${what} in ${(durationMs / 1000).toFixed(1)}s`);
    } else {
      let tag = "a chunk";
      try {
        const m = parseChunkMessage(event.messageText);
        tag = `${m.collection} ${m.day}`;
      } catch {
        // malformed: the drain already logged it
      }
      if (event.poisoned) finished++;
      ctx.log.warn(
        `${event.poisoned ? `[${finished}/${job.chunks}] ` : ""}${tag}: attempt ${event.dequeueCount} failed: ${event.error}` +
          (event.poisoned ? " (gave up: poison queue)" : " (retried later)"),
      );
    }
  };
  await drainQueue(ctx, {
    until: async () => (await readJobStatus(ctx, job.jobId))?.status.match(/^(done|failed)$/) !== null,
    now: flags.now ? () => flags.now! : undefined,
    onEvent: progress,
  });

  const status = await readJobStatus(ctx, job.jobId);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (!status) return exitCodes.findings;
  ctx.log.info(
    `Backfill ${job.jobId} ${status.status}: ${status.counts.done}/${status.chunkCount} chunks done, ` +
      `${status.documents} documents in ${seconds}s`,
  );
  for (const f of status.failures) ctx.log.error(`  failed: ${f.collection} ${f.day} after ${f.attempts} attempts: ${f.error}`);
  return status.status === "done" ? exitCodes.ok : exitCodes.findings;
}
