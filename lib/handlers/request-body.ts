import type { HttpRequest } from "@azure/functions";

/**
 * Largest request body the HTTP functions read. A backfill request is a JSON object of six short
 * fields; 16 KiB is generous for it and keeps a hostile body from being parsed, echoed or logged.
 */
export const MAX_BODY_BYTES = 16 * 1024;

/** The body as text, or `undefined` when it is larger than `maxBytes` (declared or actual). */
export async function readBoundedText(request: HttpRequest, maxBytes = MAX_BODY_BYTES): Promise<string | undefined> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) return undefined;
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The 413 answer, naming the limit and what a request should look like. */
export function tooLarge(maxBytes = MAX_BODY_BYTES) {
  return {
    status: 413,
    jsonBody: {
      error: "Request body too large",
      problems: [`body is over ${maxBytes} bytes: a backfill request is a small JSON object (collections, from, to, days, rescoreOnly, repairWatermark)`],
    },
  };
}
