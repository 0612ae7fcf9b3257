import { z } from "zod";
import { jobIdSchema, type ChunkRef } from "./plan.js";
import { isoDaySchema, type BackfillMode } from "./request.js";

/** The queue message of one chunk. Small and self-describing; the job's table rows hold the rest. */
export const chunkMessageSchema = z.object({
  v: z.literal(1),
  jobId: jobIdSchema,
  collection: z.string().min(1),
  day: isoDaySchema,
  mode: z.enum(["full", "rescore"]),
});
export type ChunkMessage = z.infer<typeof chunkMessageSchema>;

export function chunkMessage(jobId: string, mode: BackfillMode, chunk: ChunkRef): ChunkMessage {
  return { v: 1, jobId, collection: chunk.collection, day: chunk.day, mode };
}

/** Plain JSON text (host.json sets `messageEncoding: "none"`). */
export function encodeChunkMessage(message: ChunkMessage): string {
  return JSON.stringify(message);
}

export class MalformedChunkMessageError extends Error {
  constructor(reason: string) {
    super(`Backfill chunk message is malformed (${reason}); it cannot be processed and ends in the poison queue`);
    this.name = "MalformedChunkMessageError";
  }
}

function parseText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // A message sent base64-encoded (the Functions default encoding) by another tool.
    const decoded = Buffer.from(text, "base64").toString("utf8");
    try {
      return JSON.parse(decoded);
    } catch {
      throw new MalformedChunkMessageError("not JSON");
    }
  }
}

/**
 * The Functions host hands the trigger an object when the text is JSON; the drain loop hands the
 * raw text. Both end here.
 */
export function parseChunkMessage(entry: unknown): ChunkMessage {
  const value = typeof entry === "string" ? parseText(entry) : entry;
  const parsed = chunkMessageSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MalformedChunkMessageError(`${issue?.path.join(".") || "message"}: ${issue?.message}`);
  }
  return parsed.data;
}
