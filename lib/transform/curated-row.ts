import { Decimal128, Long, type Document } from "mongodb";
import { isPlacementColumn, type CollectionSpec, type ColumnDef } from "../collections/spec.js";
import { OutOfRangeDate, isObjectId, plainTopLevel, toBigInt, toJsonText, toNumber } from "./bson-values.js";

/** A document that cannot be placed (no usable `_id` or `createdAt`); it goes to quarantine with this reason. */
export class TransformError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TransformError";
  }
}

export type CuratedRow = Record<string, string | number | bigint | boolean | Date | null>;

/**
 * One problem with one field of a row that was kept anyway: the column holds null, the original
 * value stays in raw. `found` is the value's type, never the value (it may be student text).
 */
export interface RowIssue {
  field: string;
  expected: string;
  found: string;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function typeOf(value: unknown): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "invalid Date" : "Date";
  if (typeof value === "object") return (value as { _bsontype?: string })._bsontype ?? "object";
  return typeof value;
}

/** A value its column cannot hold, and what the column expected (allocated only on that path). */
class Mismatch {
  constructor(readonly expected: string) {}
}

/** The column's value, or a Mismatch. A value is returned as it is, not wrapped: this runs per column of every document. */
function convert(column: ColumnDef, value: unknown): CuratedRow[string] | Mismatch {
  switch (column.type) {
    case "id":
      if (isObjectId(value)) return value.toHexString();
      return typeof value === "string" && value.length > 0 ? value : new Mismatch("ObjectId or non-empty string");
    case "string":
      return typeof value === "string" ? value : new Mismatch("string");
    case "timestamp":
      if (!(value instanceof Date)) return new Mismatch("Date");
      if (value instanceof OutOfRangeDate) return new Mismatch("a Date within the range a timestamp holds");
      return Number.isNaN(value.getTime()) ? new Mismatch("a valid Date") : value;
    case "double": {
      const n = toNumber(value);
      if (n !== undefined) return n;
      return value instanceof Long || value instanceof Decimal128 ? new Mismatch("a number a double holds exactly") : new Mismatch("number");
    }
    case "int64": {
      const n = toBigInt(value);
      if (n === undefined) return new Mismatch("integer");
      return n < INT64_MIN || n > INT64_MAX ? new Mismatch("integer within int64") : n;
    }
    case "boolean":
      return typeof value === "boolean" ? value : new Mismatch("boolean");
    case "json":
      return toJsonText(value);
  }
}

/** Sets the column from `value`; a value it cannot hold is listed in `issues` (see toCuratedRow). */
function put(row: CuratedRow, issues: RowIssue[], column: ColumnDef, field: string, value: unknown): void {
  const converted = convert(column, value);
  if (!(converted instanceof Mismatch)) {
    row[column.name] = converted;
    return;
  }
  issues.push({ field, expected: converted.expected, found: typeOf(value) });
  // An _id of another BSON type (a number, a UUID) still identifies the row: kept as its JSON text.
  if (field === "_id") row[column.name] = toJsonText(value);
  else if (isPlacementColumn(column)) throw new TransformError(`${field} is ${typeOf(value)}, expected ${converted.expected}`);
  else row[column.name] = null;
}

/** The document fields a spec's columns read, once per spec (not per document). */
const sourceFields = new WeakMap<CollectionSpec, ReadonlySet<string>>();

function knownFields(spec: CollectionSpec): ReadonlySet<string> {
  let known = sourceFields.get(spec);
  if (!known) {
    known = new Set(spec.columns.flatMap((c) => (c.source ? [c.source] : [])));
    sourceFields.set(spec, known);
  }
  return known;
}

/** Fields no column reads, for extra_json; undefined when there are none. */
function extraFields(doc: Document, known: ReadonlySet<string>): Document | undefined {
  let extra: Document | undefined;
  for (const key of Object.keys(doc)) {
    if (known.has(key)) continue;
    extra ??= {};
    // An own "__proto__" field (bson keeps it as one) stays a field, not the object's prototype.
    Object.defineProperty(extra, key, { value: doc[key], enumerable: true, writable: true, configurable: true });
  }
  return extra;
}

export interface TransformResult {
  row: CuratedRow;
  /** Why derived values are null, when that is worth counting (e.g. an unscorable message). */
  note?: string;
  /** Fields that were missing or could not be held by their column (also in `row.etl_issues`). */
  issues: RowIssue[];
}

/**
 * Maps one MongoDB document to a curated row: each declared column converted to its type, fields
 * the schema does not know kept in `extra_json`, derived columns (quality) appended. A missing
 * required field or a value its column cannot hold makes that column null and is listed in
 * `etl_issues`; the row is kept (Airbyte's `_airbyte_meta.changes`), so curated counts what MongoDB
 * holds. Only `_id` and `createdAt`, which place the row, reject the document.
 */
export function toCuratedRow(spec: CollectionSpec, doc: Document, runId: string): TransformResult {
  const row: CuratedRow = {};
  const issues: RowIssue[] = [];
  for (const column of spec.columns) {
    if (!column.source) continue;
    const value = doc[column.source];
    if (value === undefined || value === null) {
      if (isPlacementColumn(column)) throw new TransformError(`${column.source} is missing`);
      if (column.required) issues.push({ field: column.source, expected: "a value (required)", found: typeOf(value) });
      row[column.name] = null;
      continue;
    }
    put(row, issues, column, column.source, value);
  }
  let note: string | undefined;
  if (spec.derivation) {
    const derived = spec.derivation.derive(plainTopLevel(doc));
    note = derived.note;
    for (const column of spec.derivation.columns) {
      const value = derived.values[column.name];
      if (value === undefined || value === null) row[column.name] = null;
      else put(row, issues, column, column.name, value);
    }
  }
  const extra = extraFields(doc, knownFields(spec));
  row.extra_json = extra ? toJsonText(extra) : null;
  row.etl_issues = issues.length > 0 ? JSON.stringify(issues) : null;
  row.etl_run_id = runId;
  return note ? { row, note, issues } : { row, issues };
}

/** A row, or the reason the document goes to quarantine instead. */
export type Curation = TransformResult | { rejected: string };

/**
 * toCuratedRow with every failure of this one document returned as a rejection, so one document
 * never stops a collection: a placement failure with its reason, anything else (a value that cannot
 * be read or serialised, a scoring failure) as "cannot be read" with the error's name only: its
 * message could quote the document.
 */
export function curate(spec: CollectionSpec, doc: Document, runId: string): Curation {
  try {
    return toCuratedRow(spec, doc, runId);
  } catch (err) {
    if (err instanceof TransformError) return { rejected: err.message };
    return { rejected: `cannot be read: ${err instanceof Error ? err.name : typeof err} while transforming (the document is in this line)` };
  }
}

/** Quarantine reason of a document the watermark cannot place. */
export function untimedReason(doc: Document): string {
  return doc.createdAt === undefined ? "createdAt is missing" : "createdAt is not a Date";
}
