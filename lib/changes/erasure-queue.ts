import { z } from "zod";
import type { EtlContext } from "../pipeline/context.js";
import { AuditLog } from "../state/audit-log.js";
import { errorText } from "../telemetry/index.js";
import { runErasure } from "./erasure.js";

/**
 * Erasure through the `ERASURE_QUEUE` Storage queue: `POST /api/erasure` records the request and
 * puts one small message on the queue; the `erasure-worker` trigger carries it out, as long as the
 * lake needs (functionTimeout, not the HTTP timeout). Retries and poisoning as for backfill chunks
 * (host.json `extensions.queues`); the CLI's `erase` runs the same `runErasure` in-process.
 */
export const erasureMessageSchema = z.object({ v: z.literal(1), requestId: z.uuid() });
export type ErasureMessage = z.infer<typeof erasureMessageSchema>;

export class MalformedErasureMessageError extends Error {
  constructor(reason: string) {
    super(`Erasure queue message is malformed (${reason}); it names no request and ends in the poison queue`);
    this.name = "MalformedErasureMessageError";
  }
}

/** The host hands an object when the text is JSON, a drain the text (plain or base64). Both end here. */
export function parseErasureMessage(entry: unknown): ErasureMessage {
  let value = entry;
  if (typeof entry === "string") {
    const text = entry.trim().startsWith("{") ? entry : Buffer.from(entry, "base64").toString("utf8");
    try {
      value = JSON.parse(text);
    } catch {
      throw new MalformedErasureMessageError("not JSON");
    }
  }
  const parsed = erasureMessageSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MalformedErasureMessageError(`${issue?.path.join(".") || "message"}: ${issue?.message}`);
  }
  return parsed.data;
}

/**
 * Queues an accepted request. Should the queue refuse, the request is marked failed (saying so) and
 * the error rethrown: an `accepted` row with no message would wait for ever.
 */
export async function enqueueErasure(ctx: EtlContext, requestId: string): Promise<void> {
  const message: ErasureMessage = { v: 1, requestId };
  try {
    await ctx.storage.queue(ctx.config.queues.erasure).sendMessage(JSON.stringify(message), { messageTimeToLive: -1 });
  } catch (err) {
    const audit = new AuditLog(ctx.storage.table(ctx.config.tables.audit));
    const record = await audit.get("erasure", requestId);
    const error = `could not be queued on ${ctx.config.queues.erasure}: ${errorText(err)}; POST again or run etl erase`;
    if (record) await audit.write({ ...record, status: "failed", error });
    throw err;
  }
}

export interface ErasureAttempt {
  /** This delivery's number (the host's dequeueCount). */
  dequeueCount: number;
  maxDequeueCount: number;
}

/**
 * One delivery: runs the erasure. A failure before the last attempt leaves the request `accepted`
 * (queued again, with the error), the last one `failed`; the error is rethrown so the host retries
 * or poisons the message.
 */
export async function processErasureMessage(ctx: EtlContext, entry: unknown, attempt: ErasureAttempt): Promise<void> {
  const { requestId } = parseErasureMessage(entry);
  const retryLater = attempt.dequeueCount < attempt.maxDequeueCount;
  await runErasure(ctx, requestId, { retryLater, attempt: `${attempt.dequeueCount}/${attempt.maxDequeueCount}` });
}

/**
 * The host moved a request's message to `<queue>-poison` after its last attempt: if that attempt
 * could not record why (killed, out of memory, past functionTimeout), mark it failed here.
 */
export async function handleErasurePoison(ctx: EtlContext, entry: unknown, deliveries?: number): Promise<void> {
  let requestId: string;
  try {
    requestId = parseErasureMessage(entry).requestId;
  } catch (err) {
    ctx.log.error(`Erasure poison queue: ${errorText(err)}`);
    return;
  }
  const audit = new AuditLog(ctx.storage.table(ctx.config.tables.audit));
  const record = await audit.get("erasure", requestId);
  if (!record) {
    ctx.log.error(`Erasure poison queue: no request ${requestId} in table ${ctx.config.tables.audit}; nothing to mark`);
    return;
  }
  if (record.status === "done" || record.status === "failed") return;
  const after = deliveries ? ` after ${deliveries} attempts` : "";
  const error = record.error
    ? `${record.error} (moved to the poison queue${after})`
    : `moved to the poison queue${after}: the worker stopped without recording an error (killed, out of memory or past functionTimeout)`;
  await audit.write({ ...record, status: "failed", error });
  ctx.log.error(`Erasure ${requestId} failed: ${error}; run etl erase, or move the message back to ${ctx.config.queues.erasure}`);
}
