import { createHash } from "node:crypto";
import { BSON, Decimal128, Double, Int32, Long, ObjectId, type Document } from "mongodb";

const { EJSON } = BSON;

/**
 * Documents are read with `promoteValues: false` so raw JSONL keeps Int32/Double/Long apart.
 * These helpers turn those wrappers into plain values for curated columns and scoring.
 */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (value instanceof Double || value instanceof Int32) return value.valueOf();
  if (value instanceof Long) return value.toNumber();
  if (value instanceof Decimal128) return Number.parseFloat(value.toString());
  return undefined;
}

export function toBigInt(value: unknown): bigint | undefined {
  if (value instanceof Long) return value.toBigInt();
  const n = toNumber(value);
  if (n === undefined || !Number.isInteger(n)) return undefined;
  return BigInt(n);
}

export function isObjectId(value: unknown): value is ObjectId {
  return value instanceof ObjectId;
}

/** Top-level fields with numeric wrappers unwrapped to numbers; nested values left alone. */
export function plainTopLevel(doc: Document): Document {
  const out: Document = {};
  for (const [k, v] of Object.entries(doc)) out[k] = toNumber(v) ?? v;
  return out;
}

/** JSON text for nested values: relaxed Extended JSON, so ids and dates stay readable. */
export function toJsonText(value: unknown): string {
  return EJSON.stringify(value as Document, { relaxed: true });
}

/** Lossless one-line Extended JSON (canonical) for raw files and quarantine. */
export function toRawLine(doc: Document): string {
  return EJSON.stringify(doc, { relaxed: false });
}

/**
 * An `_id` for a log line or a stored error. ObjectIds and numbers say nothing about a person; any
 * other `_id` may (a string id was an e-mail address once), so only its BSON type and a short
 * SHA-256 of its canonical Extended JSON are shown: enough to match it against a quarantine line
 * (`sha256(toRawLine({_id}))`), not to read it.
 */
export function describeId(id: unknown): string {
  if (id instanceof ObjectId) return id.toHexString();
  if (id instanceof Long) return id.toString();
  const n = toNumber(id);
  if (n !== undefined && !(id instanceof Decimal128)) return String(n);
  const type = id === null ? "null" : typeof id === "object" ? ((id as { _bsontype?: string })._bsontype ?? (Array.isArray(id) ? "array" : "object")) : typeof id;
  const digest = createHash("sha256").update(EJSON.stringify({ _id: id } as Document, { relaxed: false })).digest("hex").slice(0, 12);
  return `<${type} ${digest}>`;
}
