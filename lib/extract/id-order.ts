import type { Document, Filter } from "mongodb";

/**
 * MongoDB's comparison order of BSON types (the server's canonicalizeBSONType), as `$type`
 * aliases per bracket. Values of one bracket compare by value (every numeric type together, symbol
 * with string); brackets compare by this order. `_id` may hold any type but array, regex and
 * undefined; the rest are listed so the tie-break covers every bracket after the watermark's.
 */
const brackets = [
  ["minKey"],
  ["null"],
  ["int", "long", "double", "decimal"],
  ["symbol", "string"],
  ["object"],
  ["array"],
  ["binData"],
  ["objectId"],
  ["bool"],
  ["date"],
  ["timestamp"],
  ["regex"],
  ["dbPointer"],
  ["javascript"],
  ["javascriptWithScope"],
  ["maxKey"],
] as const;

type Alias = (typeof brackets)[number][number];

const bsonTypeNames: Record<string, Alias> = {
  MinKey: "minKey",
  MaxKey: "maxKey",
  Int32: "int",
  Double: "double",
  Long: "long",
  Decimal128: "decimal",
  BSONSymbol: "symbol",
  Binary: "binData",
  ObjectId: "objectId",
  ObjectID: "objectId",
  Timestamp: "timestamp",
  BSONRegExp: "regex",
  DBRef: "object",
  DBPointer: "dbPointer",
};

/** The `$type` alias of a value as the driver hands it over (`promoteValues: false` wrappers included). */
export function bsonTypeAlias(value: unknown): Alias {
  if (value === null) return "null";
  switch (typeof value) {
    case "number":
      return "double";
    case "bigint":
      return "long";
    case "string":
      return "string";
    case "boolean":
      return "bool";
    case "object":
      break;
    default:
      throw new Error(`An _id of JavaScript type ${typeof value} has no BSON type`);
  }
  if (value instanceof Date) return "date";
  if (Array.isArray(value)) return "array";
  if (value instanceof RegExp) return "regex";
  const bsontype = (value as { _bsontype?: unknown })._bsontype;
  if (typeof bsontype !== "string") return "object";
  if (bsontype === "Code") return (value as { scope?: unknown }).scope ? "javascriptWithScope" : "javascript";
  const alias = bsonTypeNames[bsontype];
  if (!alias) throw new Error(`Unknown BSON type ${bsontype}`);
  return alias;
}

/** Index of a value's bracket in MongoDB's order (lower sorts first). */
export function bsonBracket(value: unknown): number {
  const alias = bsonTypeAlias(value);
  return brackets.findIndex((b) => (b as readonly string[]).includes(alias));
}

/**
 * FerretDB v1 rejects the `$type` aliases of types it cannot store (decimal, symbol, minKey,
 * maxKey, code, dbPointer); leaving them out there changes no result. Set once per process from
 * the server's buildInfo (lib/extract/mongo-client.ts); a real MongoDB gets the full list.
 */
let serverAliases: ReadonlySet<string> | undefined;
export const ferretDbV1TypeAliases = ["null", "int", "long", "double", "string", "object", "array", "binData", "objectId", "bool", "date", "timestamp", "regex"];
export function limitTypeAliases(aliases: readonly string[] | undefined): void {
  serverAliases = aliases ? new Set(aliases) : undefined;
}

/** Every `$type` alias of the brackets that sort after `value`'s. */
export function typesAfter(value: unknown): string[] {
  const after: string[] = brackets.slice(bsonBracket(value) + 1).flat();
  return serverAliases ? after.filter((a) => serverAliases!.has(a)) : after;
}

/**
 * `_id` strictly after `id` in MongoDB's order: `$gt` compares only inside `id`'s bracket, so every
 * later bracket is added by type.
 */
export function idAfter(id: unknown): Filter<Document> {
  const later = typesAfter(id);
  if (later.length === 0) return { _id: { $gt: id } } as Filter<Document>;
  return { $or: [{ _id: { $gt: id } }, { _id: { $type: later } }] } as Filter<Document>;
}
