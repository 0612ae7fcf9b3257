import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { BackfillConflictError } from "../backfill/prepare-watermarks.js";
import { jobIdSchema } from "../backfill/plan.js";
import { parseBackfillRequest } from "../backfill/request.js";
import { readJobStatus } from "../backfill/job-status.js";
import { submitBackfill } from "../backfill/submit.js";
import { earliestBackfillDay } from "../config.js";
import { quoted } from "../telemetry/echo.js";
import { readBoundedText, tooLarge } from "./request-body.js";
import { hostContext, redactedFailures, type ContextFactory } from "./runtime.js";

export type Clock = () => Date;

/**
 * POST /api/backfill. 202 with the job id, its status URL and the number of chunks; 400 naming
 * every problem of the body; 409 when a watermark needs attention first (named, with the fix).
 * The body is validated before any storage is touched.
 */
export function backfillSubmitHandler(
  makeContext: ContextFactory = hostContext,
  clock: Clock = () => new Date(),
  earliestDay: () => string = () => earliestBackfillDay(),
) {
  return redactedFailures(async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const now = clock();
    const text = await readBoundedText(request);
    if (text === undefined) return tooLarge();
    let body: unknown = {};
    if (text.trim() !== "") {
      try {
        body = JSON.parse(text);
      } catch (err) {
        return invalid([`body is not valid JSON (${jsonErrorPlace(err)})`]);
      }
    }
    const parsed = parseBackfillRequest(body, now, { earliestDay: earliestDay() });
    if (!parsed.ok) return invalid(parsed.problems);

    const ctx = await makeContext(context);
    try {
      const job = await submitBackfill(ctx, parsed.request, { now });
      const statusUrl = `${new URL(request.url).origin}/api/backfill/${job.jobId}`;
      return { status: 202, headers: { location: statusUrl }, jsonBody: { ...job, statusUrl } };
    } catch (err) {
      if (err instanceof BackfillConflictError) return { status: 409, jsonBody: { error: "Backfill not started", problems: err.problems } };
      throw err;
    }
  });
}

/** GET /api/backfill/{jobId}: the job and each chunk's status; 404 for an unknown job. */
export function backfillStatusHandler(makeContext: ContextFactory = hostContext) {
  return redactedFailures(async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const jobId = request.params.jobId ?? "";
    const valid = jobIdSchema.safeParse(jobId);
    if (!valid.success) return invalid([`jobId ${quoted(jobId)} ${valid.error.issues[0]?.message}`]);
    const ctx = await makeContext(context);
    const view = await readJobStatus(ctx, jobId);
    if (!view) return { status: 404, jsonBody: { error: `No backfill job ${jobId}` } };
    return { status: 200, jsonBody: view };
  });
}

/**
 * Where JSON.parse stopped, without its message: V8 quotes the text around the error, which is
 * the caller's input (and may be anything).
 */
function jsonErrorPlace(err: unknown): string {
  const position = /position (\d+)/.exec(err instanceof Error ? err.message : "")?.[1];
  return position === undefined ? "it ends early or is not JSON text" : `error at character ${position}`;
}

function invalid(problems: string[]): HttpResponseInit {
  return { status: 400, jsonBody: { error: "Invalid backfill request", problems } };
}
