import { ObjectId, type Document, type Filter } from "mongodb";
import { tieBreakFilter, type DocKey } from "../extract/window.js";

const DAY_MS = 86_400_000;

/** [start, end) of a UTC day. */
export function dayBounds(day: string): { start: Date; end: Date } {
  const start = new Date(`${day}T00:00:00Z`);
  return { start, end: new Date(start.getTime() + DAY_MS) };
}

/** Key (createdAt, _id) <= `key`: the complement of the hourly window's lower bound. */
export function atOrBefore(key: DocKey): Filter<Document> {
  return {
    $or: [{ createdAt: { $lt: key.createdAt } }, { $and: [{ createdAt: key.createdAt }, { $nor: [tieBreakFilter(key.id)] }] }],
  } as Filter<Document>;
}

/**
 * Documents of `day` that committed hourly windows own: createdAt on the day and key <= the
 * committed watermark. Undefined when there are none (no watermark yet, or it is before the day).
 */
export function committedDayFilter(day: string, last: DocKey | undefined, extra?: Filter<Document>): Filter<Document> | undefined {
  const { start, end } = dayBounds(day);
  if (!last || last.createdAt < start) return undefined;
  const clauses: Filter<Document>[] = [{ createdAt: { $gte: start, $lt: end } }];
  if (last.createdAt < end) clauses.push(atOrBefore(last));
  if (extra) clauses.push(extra);
  return { $and: clauses };
}

/**
 * Documents of `day` past the committed watermark (key > `last`): the next insert windows own them
 * and will write them. Undefined when the watermark is past the whole day.
 */
export function aheadOfWatermarkFilter(day: string, last: DocKey | undefined): Filter<Document> | undefined {
  const { start, end } = dayBounds(day);
  const onDay: Filter<Document> = { createdAt: { $gte: start, $lt: end } };
  if (!last) return onDay;
  if (last.createdAt >= end) return undefined;
  const after: Filter<Document> = { $or: [{ createdAt: { $gt: last.createdAt } }, { $and: [{ createdAt: last.createdAt }, tieBreakFilter(last.id)] }] };
  return { $and: [onDay, after] };
}

/**
 * Documents without a usable createdAt, placed by their ObjectId's second as the hourly run places
 * them (lib/extract/window.ts untimedFilter): those of `day` up to the committed window's upper
 * second. Undefined when that range is empty.
 */
export function committedUntimedFilter(day: string, windowUpper: Date | undefined, extra?: Filter<Document>): Filter<Document> | undefined {
  const { start, end } = dayBounds(day);
  if (!windowUpper) return undefined;
  const startSecond = start.getTime() / 1000;
  const endSecond = Math.min(end.getTime() / 1000, Math.floor(windowUpper.getTime() / 1000) + 1);
  if (endSecond <= startSecond) return undefined;
  const clauses: Filter<Document>[] = [
    { $or: [{ createdAt: { $exists: false } }, { createdAt: { $not: { $type: "date" } } }] },
    { _id: { $gte: ObjectId.createFromTime(startSecond), $lt: ObjectId.createFromTime(endSecond) } },
  ];
  if (extra) clauses.push(extra);
  return { $and: clauses };
}
