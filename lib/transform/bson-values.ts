import { createHash } from "node:crypto";
import { BSON, Decimal128, Double, Int32, Long, ObjectId, type Document } from "mongodb";

const { EJSON } = BSON;

/**
 * A BSON date outside the range a JS Date holds (±8.64e15 ms). The driver would turn it into an
 * Invalid Date, and Extended JSON would write `NaN`; this keeps the int64 milliseconds, and EJSON
 * writes them exactly (`{"$date":{"$numberLong":"…"}}`), because it prints `getTime().toString()`.
 */
export class OutOfRangeDate extends Date {
  constructor(readonly milliseconds: bigint) {
    super(Number.NaN);
  }
  override getTime(): number {
    return this.milliseconds as unknown as number;
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** The exact integer a Decimal128 holds, or undefined when it has a fractional part (or is NaN/Inf). */
export function decimalInteger(value: Decimal128): bigint | undefined {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:E([+-]\d+))?$/.exec(value.toString());
  if (!match) return undefined;
  const [, sign, whole, fraction = "", exponent = "0"] = match;
  const digits = `${whole}${fraction}`;
  const scale = Number(exponent) - fraction.length;
  let n: bigint;
  if (scale >= 0) n = BigInt(digits) * 10n ** BigInt(scale);
  else {
    const cut = digits.length + scale;
    if (!/^0*$/.test(digits.slice(Math.max(0, cut)))) return undefined;
    n = cut > 0 ? BigInt(digits.slice(0, cut)) : 0n;
  }
  return sign === "-" ? -n : n;
}

/**
 * Documents are read with `promoteValues: false` so raw JSONL keeps Int32/Double/Long apart.
 * These helpers turn those wrappers into plain values for curated columns and scoring. A Long or
 * an integral Decimal128 a double cannot hold exactly gives undefined: never a silent rounding.
 */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (value instanceof Double || value instanceof Int32) return value.valueOf();
  if (value instanceof Long) {
    const n = value.toNumber();
    return Long.fromNumber(n).equals(value) ? n : undefined;
  }
  if (value instanceof Decimal128) {
    const n = Number.parseFloat(value.toString());
    const integer = decimalInteger(value);
    if (integer !== undefined && (integer > MAX_SAFE || integer < -MAX_SAFE) && (!Number.isFinite(n) || BigInt(n) !== integer)) return undefined;
    return n;
  }
  return undefined;
}

export function toBigInt(value: unknown): bigint | undefined {
  if (value instanceof Long) return value.toBigInt();
  if (value instanceof Decimal128) return decimalInteger(value);
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
  // Per document: keys, not entries (no [key, value] array per field); plain values need no look.
  for (const k of Object.keys(doc)) {
    const v: unknown = doc[k];
    out[k] = typeof v === "object" && v !== null ? (toNumber(v) ?? v) : v;
  }
  return out;
}

const SAFE_LONG_MAX = Long.fromNumber(Number.MAX_SAFE_INTEGER);
const SAFE_LONG_MIN = Long.fromNumber(-Number.MAX_SAFE_INTEGER);
const isUnsafeLong = (v: unknown): v is Long => v instanceof Long && (v.greaterThan(SAFE_LONG_MAX) || v.lessThan(SAFE_LONG_MIN));

function isContainer(v: unknown): v is Document | unknown[] {
  if (Array.isArray(v)) return true;
  return typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

/** Relaxed EJSON writes every Long as a JS number; those past 2^53 keep their canonical form. */
function keepLongsExact(value: unknown): unknown {
  if (isUnsafeLong(value)) return { $numberLong: value.toString() };
  if (!isContainer(value)) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((v, i) => {
      const kept = keepLongsExact(v);
      if (kept !== v) (copy ??= [...value])[i] = kept;
    });
    return copy ?? value;
  }
  let copy: Document | undefined;
  for (const [k, v] of Object.entries(value)) {
    const kept = keepLongsExact(v);
    if (kept !== v) (copy ??= { ...value })[k] = kept;
  }
  return copy ?? value;
}

/**
 * JSON text for nested values: relaxed Extended JSON, so ids and dates stay readable, except where
 * relaxed would round (Longs past 2^53) or cannot write a value (dates out of range): canonical there.
 */
export function toJsonText(value: unknown): string {
  return EJSON.stringify(keepLongsExact(value) as Document, { relaxed: true });
}

/** Lossless one-line Extended JSON (canonical) for raw files and quarantine. */
export function toRawLine(doc: Document): string {
  return EJSON.stringify(doc, { relaxed: false });
}

/** An Invalid Date reached the line: the driver could not hold a date (see OutOfRangeDate). */
export function hasUnreadableDate(line: string): boolean {
  return line.includes('"$numberLong":"NaN"');
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
