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

const TEXT_FIELDS = ["studentMessage", "aiResponse"] as const;

function textProblem(value: unknown): string | undefined {
  if (value === undefined || value === null) return "missing";
  return typeof value === "string" ? undefined : "not a string";
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
  const problems = TEXT_FIELDS.map((field) => [field, textProblem(doc[field])] as const).filter(([, p]) => p);
  if (problems.length === 2 && problems[0]![1] === problems[1]![1]) {
    return { reason: `unscorable: studentMessage and aiResponse ${problems[0]![1]}` };
  }
  if (problems.length > 0) {
    return { reason: `unscorable: ${problems.map(([field, p]) => `${field} ${p}`).join(", ")}` };
  }
  return {
    input: {
      studentMessage: doc.studentMessage as string,
      aiResponse: doc.aiResponse as string,
      createdAt: readDate(doc.createdAt),
      respondedAt: readDate(doc.respondedAt),
      rating: typeof doc.rating === "number" ? doc.rating : undefined,
      feedback: typeof doc.feedback === "string" ? doc.feedback : undefined,
      flagged: typeof doc.flagged === "boolean" ? doc.flagged : undefined,
    },
  };
}
