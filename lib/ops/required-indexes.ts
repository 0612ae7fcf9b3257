import { changeFieldOf, type CollectionSpec } from "../collections/index.js";

/**
 * The indexes the extraction cursors need, per collection. Without them every hourly run is a
 * collection scan on Atlas. The untimed-document query (createdAt missing or not a date) ranges over
 * `_id` and is served by the built-in `_id` index, so it needs nothing here.
 */
export interface RequiredIndex {
  key: Record<string, 1>;
  why: string;
}

export function requiredIndexes(spec: CollectionSpec): RequiredIndex[] {
  const change = changeFieldOf(spec);
  return [
    { key: { createdAt: 1, _id: 1 }, why: "the hourly (createdAt, _id) cursor" },
    { key: { [change]: 1, _id: 1 }, why: `the change cursor on ${change}` },
  ];
}

/** True when an existing index key serves `wanted`: the same fields first, in the same (or all reversed) directions. */
export function servesIndex(existing: Record<string, unknown>, wanted: Record<string, 1>): boolean {
  const have = Object.entries(existing);
  const want = Object.entries(wanted);
  if (have.length < want.length) return false;
  const same = want.every(([field, dir], i) => have[i]![0] === field && Number(have[i]![1]) === dir);
  const reversed = want.every(([field, dir], i) => have[i]![0] === field && Number(have[i]![1]) === -dir);
  return same || reversed;
}

/** The mongosh line an operator pastes to create the index. */
export function createIndexCommand(collection: string, key: Record<string, 1>): string {
  const fields = Object.entries(key).map(([f, d]) => `${/^[A-Za-z_$][\w$]*$/.test(f) ? f : JSON.stringify(f)}: ${d}`);
  return `db.getCollection(${JSON.stringify(collection)}).createIndex({ ${fields.join(", ")} })`;
}
