import { BackfillConflictError } from "../../lib/backfill/prepare-watermarks.js";
import { drainQueue, type DrainEvent } from "../../lib/backfill/drain.js";
import { readJobStatus } from "../../lib/backfill/job-status.js";
import { parseChunkMessage } from "../../lib/backfill/chunk-message.js";
import { parseBackfillRequest, type BackfillBody } from "../../lib/backfill/request.js";
import { submitBackfill } from "../../lib/backfill/submit.js";
import type { EtlContext } from "../../lib/pipeline/context.js";
import type { CliOptions } from "./options.js";

/**
 * `npm run etl -- --backfill [--days N | --from D --to D] [--collection X] [--rescore-only] [--repair-watermark]`:
 * the same job as POST /api/backfill (same validation, planner, queue and chunk worker), drained
 * in-process until every chunk is done or failed. A Functions app on the same storage helps drain
 * it; chunks left when this process stops are finished by the app or the next drain.
 */
export async function backfillCommand(ctx: EtlContext, options: CliOptions): Promise<number> {
  const now = options.now ?? new Date();
  const body: BackfillBody = {
    ...(options.collection ? { collections: options.collection } : {}),
    ...(options.days !== undefined ? { days: options.days } : {}),
    ...(options.from !== undefined ? { from: options.from } : {}),
    ...(options.to !== undefined ? { to: options.to } : {}),
    rescoreOnly: options.rescoreOnly,
    repairWatermark: options.repairWatermark,
  };
  const parsed = parseBackfillRequest(body, now);
  if (!parsed.ok) {
    for (const problem of parsed.problems) ctx.log.error(`--backfill: ${problem}`);
    return 2;
  }

  let job;
  try {
    job = await submitBackfill(ctx, parsed.request, { now });
  } catch (err) {
    if (!(err instanceof BackfillConflictError)) throw err;
    for (const problem of err.problems) ctx.log.error(`--backfill: ${problem}`);
    return 2;
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
    now: options.now ? () => options.now! : undefined,
    onEvent: progress,
  });

  const status = await readJobStatus(ctx, job.jobId);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (!status) return 1;
  ctx.log.info(
    `Backfill ${job.jobId} ${status.status}: ${status.counts.done}/${status.chunkCount} chunks done, ` +
      `${status.documents} documents in ${seconds}s`,
  );
  for (const f of status.failures) ctx.log.error(`  failed: ${f.collection} ${f.day} after ${f.attempts} attempts: ${f.error}`);
  return status.status === "done" ? 0 : 1;
}
