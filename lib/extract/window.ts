import { ObjectId, type Document, type Filter } from "mongodb";

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

/**
 * BSON sort order of the _id types we meet. `_id > x` only matches values of x's own type, so ties
 * on createdAt must also take every _id of a type that sorts after x's.
 */
const typesAfter: Record<string, string[]> = {
  number: ["string", "object", "binData", "objectId", "bool", "date"],
  string: ["object", "binData", "objectId", "bool", "date"],
  objectId: ["bool", "date"],
};

function bsonTypeOf(id: unknown): keyof typeof typesAfter | undefined {
  if (id instanceof ObjectId) return "objectId";
  if (typeof id === "string") return "string";
  if (typeof id === "number") return "number";
  return undefined;
}

export function tieBreakFilter(id: unknown): Filter<Document> {
  const type = bsonTypeOf(id);
  if (!type) throw new Error(`Unsupported _id type in watermark: ${typeof id}; expected ObjectId, string or number`);
  const later = typesAfter[type]!;
  return { $or: [{ _id: { $gt: id } }, { _id: { $type: later } }] } as Filter<Document>;
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

/**
 * Documents whose createdAt is missing or not a date cannot be placed by the watermark. They are
 * found by the creation second in their ObjectId instead: second s belongs to the window whose
 * upper bound second is >= s, so each such document is quarantined by exactly one window.
 */
export function untimedFilter(previousUpper: Date, upper: Date, extra?: Filter<Document>): Filter<Document> {
  const fromSecond = Math.floor(previousUpper.getTime() / 1000) + 1;
  const toSecond = Math.floor(upper.getTime() / 1000) + 1;
  const clauses: Filter<Document>[] = [
    { $or: [{ createdAt: { $exists: false } }, { createdAt: { $not: { $type: "date" } } }] },
    { _id: { $gte: ObjectId.createFromTime(fromSecond), $lt: ObjectId.createFromTime(toSecond) } },
  ];
  if (extra) clauses.push(extra);
  return { $and: clauses };
}

/** Tester filter for one collection, by its spec's rule. */
export function testerFilter(rule: "profile" | "userId" | "none", idVariants: unknown[], profileFilter: Filter<Document>): Filter<Document> | undefined {
  if (rule === "profile") return { $nor: [profileFilter] };
  if (rule === "userId" && idVariants.length > 0) return { userId: { $nin: idVariants } };
  return undefined;
}
