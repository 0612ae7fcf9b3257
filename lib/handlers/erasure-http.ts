import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { z } from "zod";
import { acceptErasure, erasureRequestSchema, UnknownPersonError } from "../changes/erasure.js";
import { enqueueErasure } from "../changes/erasure-queue.js";
import { AuditLog } from "../state/audit-log.js";
import type { Clock } from "./backfill-http.js";
import { readBoundedText, tooLarge } from "./request-body.js";
import { hostContext, redactedFailures, type ContextFactory } from "./runtime.js";

const requestIdSchema = z.uuid();

const invalid = (problems: string[]): HttpResponseInit => ({ status: 400, jsonBody: { error: "Invalid erasure request", problems } });

/**
 * POST /api/erasure `{userId, reason, force?}`: 400 naming each problem, 404 when no profile has
 * the id (unless `force`), else 202 with the request id and its status URL. The request is
 * recorded (`accepted`) and queued; the `erasure-worker` queue trigger carries it out, so a lake of
 * any size is erased within functionTimeout, not the HTTP timeout. GET shows accepted → running →
 * done (or failed, with the reason).
 */
export function erasureSubmitHandler(makeContext: ContextFactory = hostContext, clock: Clock = () => new Date()) {
  return redactedFailures(async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const text = await readBoundedText(request);
    if (text === undefined) return tooLarge();
    let body: unknown;
    try {
      body = JSON.parse(text || "{}");
    } catch {
      return invalid(["body is not valid JSON"]);
    }
    const parsed = erasureRequestSchema.safeParse(body);
    if (!parsed.success) return invalid(parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`));
    const ctx = await makeContext(context);
    let accepted;
    try {
      accepted = await acceptErasure(ctx, parsed.data, clock());
    } catch (err) {
      if (err instanceof UnknownPersonError) return { status: 404, jsonBody: { error: "No profile has this id; nothing erased", fix: "send \"force\": true if the profile was already deleted from MongoDB" } };
      throw err;
    }
    await enqueueErasure(ctx, accepted.key);
    const statusUrl = `${new URL(request.url).origin}/api/erasure/${accepted.key}`;
    return { status: 202, headers: { location: statusUrl }, jsonBody: { requestId: accepted.key, status: accepted.status, statusUrl } };
  });
}

/** GET /api/erasure/{requestId}: the audit record (ids, partitions and counts; no student text). */
export function erasureStatusHandler(makeContext: ContextFactory = hostContext) {
  return redactedFailures(async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const id = requestIdSchema.safeParse(request.params.requestId ?? "");
    if (!id.success) return invalid(["requestId must be the id POST /api/erasure answered"]);
    const ctx = await makeContext(context);
    const record = await new AuditLog(ctx.storage.table(ctx.config.tables.audit)).get("erasure", id.data);
    if (!record) return { status: 404, jsonBody: { error: `No erasure request ${id.data}` } };
    return { status: 200, jsonBody: record };
  });
}
