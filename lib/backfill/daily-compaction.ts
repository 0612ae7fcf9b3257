import { utcDay } from "../load/lake-paths.js";
import { parseBackfillRequest, type BackfillRequest } from "./request.js";

const DAY_MS = 86_400_000;

/**
 * The nightly backfill of the last finished days. Hourly runs leave 24 files per collection and
 * day, and never see a document inserted after the watermark passed its createdAt; rebuilding
 * yesterday and the day before compacts each day into one file and picks those documents up.
 */
export function dailyCompactionRequest(now: Date, days = 2): BackfillRequest {
  const to = utcDay(new Date(now.getTime() - DAY_MS));
  const from = utcDay(new Date(now.getTime() - days * DAY_MS));
  const parsed = parseBackfillRequest({ from, to }, now);
  if (!parsed.ok) throw new Error(`Daily compaction request is invalid: ${parsed.problems.join("; ")}`);
  return parsed.request;
}
