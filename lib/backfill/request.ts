import { z } from "zod";
import { collectionNames } from "../collections/index.js";
import { DEFAULT_BACKFILL_EARLIEST_DAY } from "../config.js";
import { daysBetween, utcDay } from "../load/lake-paths.js";
import { quotedList } from "../telemetry/echo.js";

/** Days a job covers when the request names neither `days` nor a range (the old `--backfill`). */
export const DEFAULT_DAYS = 90;
/**
 * Longest job: a year and a day, 366 partitions per collection (2,196 chunks for six). Longer
 * history is several jobs, so one mistyped year cannot queue tens of thousands of chunks.
 */
export const MAX_DAYS = 366;

const DAY_MS = 86_400_000;
const DAY_SHAPE = /^\d{4}-\d{2}-\d{2}$/;

/** A UTC calendar date, `YYYY-MM-DD`, that exists (no 2026-02-30). */
export const isoDaySchema = z
  .string()
  .regex(DAY_SHAPE, "must be a UTC date YYYY-MM-DD")
  .refine((s) => !DAY_SHAPE.test(s) || isCalendarDay(s), "is not a calendar date");

function isCalendarDay(s: string): boolean {
  const date = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && utcDay(date) === s;
}

/** The body of `POST /api/backfill` (and the CLI's `--backfill` options), as sent. */
export const backfillBodySchema = z.strictObject({
  collections: z.array(z.string().min(1, "must not be empty")).min(1, "must name at least one collection (or be left out for all)").optional(),
  from: isoDaySchema.optional(),
  to: isoDaySchema.optional(),
  days: z
    .number({ error: "must be a whole number of days" })
    .int("must be a whole number of days")
    .min(1, "must be at least 1")
    .max(MAX_DAYS, `at most ${MAX_DAYS} days per job; split longer history into several jobs`)
    .optional(),
  rescoreOnly: z.boolean({ error: "must be true or false" }).optional(),
  repairWatermark: z.boolean({ error: "must be true or false" }).optional(),
});
export type BackfillBody = z.infer<typeof backfillBodySchema>;

export type BackfillMode = "full" | "rescore";

/** A validated request: which collections, which UTC days (inclusive), and how. */
export interface BackfillRequest {
  collections: string[];
  from: string;
  to: string;
  mode: BackfillMode;
  repairWatermark: boolean;
}

export type ParsedRequest = { ok: true; request: BackfillRequest } | { ok: false; problems: string[] };

function issueText(issue: z.core.$ZodIssue, body: unknown): string {
  if (issue.code === "unrecognized_keys") {
    return `unknown field${issue.keys.length > 1 ? "s" : ""} ${quotedList(issue.keys)}: ` +
      "expected collections, from, to, days, rescoreOnly, repairWatermark";
  }
  const where = issue.path.length > 0 ? issue.path.join(".") : "body";
  if (where === "body" && issue.code === "invalid_type") return `body must be a JSON object (got ${describe(body)})`;
  return `${where}: ${issue.message}`;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value;
}

/**
 * Validates a backfill request against `now` (UTC today is the latest day a job may rebuild).
 * Every problem is reported, each naming its field, so a caller fixes the body in one go.
 */
export function parseBackfillRequest(body: unknown, now: Date, limits: { earliestDay?: string } = {}): ParsedRequest {
  const earliestDay = limits.earliestDay ?? DEFAULT_BACKFILL_EARLIEST_DAY;
  const parsed = backfillBodySchema.safeParse(body);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((issue) => issueText(issue, body)) };
  const b = parsed.data;
  const problems: string[] = [];
  const today = utcDay(now);

  const collections = b.collections ? [...new Set(b.collections)] : [...collectionNames];
  const unknown = collections.filter((c) => !collectionNames.includes(c));
  if (unknown.length > 0) {
    problems.push(
      `collections: unknown collection${unknown.length > 1 ? "s" : ""} ${quotedList(unknown)}; ` +
        `expected one or more of ${collectionNames.join(", ")}`,
    );
  }

  let from: string | undefined;
  let to: string | undefined;
  if (b.from !== undefined || b.to !== undefined) {
    if (b.days !== undefined) problems.push("days: give either days or from/to, not both");
    if (b.from === undefined) problems.push("from: missing; a range needs both from and to (UTC dates YYYY-MM-DD)");
    if (b.to === undefined) problems.push("to: missing; a range needs both from and to (UTC dates YYYY-MM-DD)");
    from = b.from;
    to = b.to;
  } else {
    const days = b.days ?? DEFAULT_DAYS;
    to = today;
    from = utcDay(new Date(Date.parse(`${today}T00:00:00Z`) - (days - 1) * DAY_MS));
  }
  if (from !== undefined && to !== undefined) {
    if (from > to) problems.push(`from ${from} is after to ${to}: the range is reversed`);
    if (from < earliestDay) {
      problems.push(`from ${from} is before ${earliestDay}, the earliest day a backfill may rebuild (BACKFILL_EARLIEST_DAY)`);
    }
    if (to > today) problems.push(`to ${to} is in the future: the latest day a backfill can rebuild is today, ${today} (UTC)`);
    const span = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
    if (from <= to && span > MAX_DAYS) {
      problems.push(`from ${from} to ${to} is ${span} days; at most ${MAX_DAYS} days per job: split it into several jobs`);
    }
  }

  const mode: BackfillMode = b.rescoreOnly ? "rescore" : "full";
  const repairWatermark = b.repairWatermark ?? false;
  if (mode === "rescore" && repairWatermark) {
    problems.push(
      "repairWatermark needs a full backfill: rescoreOnly re-derives curated files from the raw ones and never reads " +
        "MongoDB, so documents missed while the watermark was ahead would stay missing",
    );
  }
  if (problems.length > 0 || from === undefined || to === undefined) return { ok: false, problems };
  return { ok: true, request: { collections, from, to, mode, repairWatermark } };
}

/** The UTC days of a request, oldest first. */
export function requestDays(request: Pick<BackfillRequest, "from" | "to">): string[] {
  return daysBetween(new Date(`${request.from}T00:00:00Z`), new Date(`${request.to}T00:00:00Z`));
}
