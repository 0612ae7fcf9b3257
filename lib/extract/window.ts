import { ObjectId, type Document, type Filter } from "mongodb";
import { idAfter } from "./id-order.js";

/** Position of a document in extraction order: (createdAt, _id). */
export interface DocKey {
  createdAt: Date;
  id: unknown;
}

/** Half-open extraction window: documents with key > lower and createdAt <= upper. */
export interface ExtractWindow {
  lower: DocKey | { createdAt: Date; id?: undefined };
  upper: Date;
}

export const extractionSort = { createdAt: 1, _id: 1 } as const;

/** `_id` after the watermark's, in MongoDB's order over every BSON type (lib/extract/id-order.ts). */
export function tieBreakFilter(id: unknown): Filter<Document> {
  return idAfter(id);
}

/** Filter for the window, plus `extra` (tester exclusion) ANDed in. */
export function windowFilter(window: ExtractWindow, extra?: Filter<Document>): Filter<Document> {
  const { lower, upper } = window;
  const afterLower: Filter<Document> =
    lower.id === undefined
      ? { createdAt: { $gt: lower.createdAt } }
      : { $or: [{ createdAt: { $gt: lower.createdAt } }, { $and: [{ createdAt: lower.createdAt }, tieBreakFilter(lower.id)] }] };
  const clauses: Filter<Document>[] = [afterLower, { createdAt: { $lte: upper } }];
  if (extra) clauses.push(extra);
  return { $and: clauses };
}

/** createdAt missing or not a date: the watermark cannot place the document. */
export const untimedCreatedAt: Filter<Document> = { createdAt: { $not: { $type: "date" } } };

/**
 * Documents the watermark cannot place, in one query served by the `(createdAt, _id)` index range
 * outside the date bracket (only untimed documents are examined, never the window's others):
 * - with an ObjectId `_id`: by the creation second in it. Second s belongs to the window whose
 *   upper bound second is >= s, so each is quarantined by exactly one window;
 * - with any other `_id`: no time at all. Every window sees them; each is written once under a
 *   name derived from its `_id` (lib/load/untimed-files.ts), so seeing it again writes nothing.
 */
export function untimedFilter(previousUpper: Date, upper: Date, extra?: Filter<Document>): Filter<Document> {
  const fromSecond = Math.floor(previousUpper.getTime() / 1000) + 1;
  const toSecond = Math.floor(upper.getTime() / 1000) + 1;
  const byId: Filter<Document>[] = [{ _id: { $not: { $type: "objectId" } } }];
  if (toSecond > fromSecond) byId.unshift({ _id: { $gte: ObjectId.createFromTime(fromSecond), $lt: ObjectId.createFromTime(toSecond) } });
  const clauses: Filter<Document>[] = [untimedCreatedAt, byId.length === 1 ? byId[0]! : { $or: byId }];
  if (extra) clauses.push(extra);
  return { $and: clauses };
}

/**
 * Tester filter for one collection, by its spec's rule, plus erased students (`erased`, every id
 * form): a profile by its own `_id`, error logs (rule `none`, testers kept) by `userId`.
 */
export function testerFilter(rule: "profile" | "userId" | "none", idVariants: unknown[], profileFilter: Filter<Document>, erased: unknown[] = []): Filter<Document> | undefined {
  if (rule === "profile") return erased.length > 0 ? { $and: [{ $nor: [profileFilter] }, { _id: { $nin: erased } } as Filter<Document>] } : { $nor: [profileFilter] };
  if (rule === "userId" && idVariants.length > 0) return { userId: { $nin: [...new Set([...idVariants, ...erased])] } };
  if (erased.length > 0) return { userId: { $nin: erased } };
  return undefined;
}
