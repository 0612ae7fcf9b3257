/**
 * Reading a raw messages document into what scoring needs. Real documents miss fields or hold the
 * wrong type, so every field is checked here and nothing past this point sees `unknown`.
 */

/** The fields of a message pair that scoring uses; everything else in the document is ignored. */
export interface MessageInput {
  studentMessage: string;
  aiResponse: string;
  createdAt?: Date | undefined;
  respondedAt?: Date | undefined;
  rating?: number | undefined;
  feedback?: string | undefined;
  flagged?: boolean | undefined;
}

export type ReadResult = { input: MessageInput } | { reason: string };

function textProblem(value: unknown): string | undefined {
  if (value === undefined || value === null) return "missing";
  return typeof value === "string" ? undefined : "not a string";
}

/** A short, fixed-vocabulary reason (the run summary counts notes by their text). */
function unscorableReason(student: unknown, answer: unknown): string {
  const s = textProblem(student);
  const a = textProblem(answer);
  if (s && a && s === a) return `unscorable: studentMessage and aiResponse ${s}`;
  const parts = [s && `studentMessage ${s}`, a && `aiResponse ${a}`].filter(Boolean);
  return `unscorable: ${parts.join(", ")}`;
}

/** Dates as the driver returns them, or ISO-8601 strings some writers store; anything else is absent. */
function readDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isFinite(value.getTime()) ? value : undefined;
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const t = Date.parse(value);
    return Number.isFinite(t) ? new Date(t) : undefined;
  }
  return undefined;
}

/**
 * The scoring input of a document, or why it cannot be scored. Both texts must be strings (an empty
 * string is a valid, failed answer; a missing field is an incomplete record, not an answer).
 */
export function readMessage(doc: Record<string, unknown>): ReadResult {
  const { studentMessage, aiResponse } = doc;
  if (typeof studentMessage !== "string" || typeof aiResponse !== "string") {
    return { reason: unscorableReason(studentMessage, aiResponse) };
  }
  return {
    input: {
      studentMessage,
      aiResponse,
      createdAt: readDate(doc.createdAt),
      respondedAt: readDate(doc.respondedAt),
      rating: typeof doc.rating === "number" ? doc.rating : undefined,
      feedback: typeof doc.feedback === "string" ? doc.feedback : undefined,
      flagged: typeof doc.flagged === "boolean" ? doc.flagged : undefined,
    },
  };
}
