import type { Document } from "mongodb";
import type { CollectionSpec, ColumnDef } from "../collections/spec.js";
import { isObjectId, plainTopLevel, toBigInt, toJsonText, toNumber } from "./bson-values.js";

/** A document the curated schema cannot hold; it goes to quarantine with this reason. */
export class TransformError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TransformError";
  }
}

export type CuratedRow = Record<string, string | number | bigint | boolean | Date | null>;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (value instanceof Date) return "Date";
  if (typeof value === "object") return (value as { _bsontype?: string })._bsontype ?? "object";
  return typeof value;
}

function convert(column: ColumnDef, value: unknown): CuratedRow[string] {
  const fail = (expected: string): never => {
    throw new TransformError(`${column.source} is ${describe(value)}, expected ${expected}`);
  };
  switch (column.type) {
    case "id":
      if (isObjectId(value)) return value.toHexString();
      if (typeof value === "string" && value.length > 0) return value;
      return fail("ObjectId or non-empty string");
    case "string":
      return typeof value === "string" ? value : fail("string");
    case "timestamp":
      if (!(value instanceof Date)) return fail("Date");
      if (Number.isNaN(value.getTime())) return fail("a valid Date");
      return value;
    case "double": {
      const n = toNumber(value);
      return n === undefined ? fail("number") : n;
    }
    case "int64": {
      const n = toBigInt(value);
      if (n === undefined) return fail("integer");
      if (n < INT64_MIN || n > INT64_MAX) return fail("integer within int64");
      return n;
    }
    case "boolean":
      return typeof value === "boolean" ? value : fail("boolean");
    case "json":
      return toJsonText(value);
  }
}

export interface TransformResult {
  row: CuratedRow;
  /** Why derived values are null, when that is worth counting (e.g. an unscorable message). */
  note?: string;
}

/**
 * Maps one MongoDB document to a curated row: each declared column converted to its type, fields
 * the schema does not know kept in `extra_json`, derived columns (quality) appended.
 */
export function toCuratedRow(spec: CollectionSpec, doc: Document, runId: string): TransformResult {
  const row: CuratedRow = {};
  const known = new Set<string>();
  for (const column of spec.columns) {
    if (!column.source) continue;
    known.add(column.source);
    const value = doc[column.source];
    if (value === undefined || value === null) {
      if (column.required) throw new TransformError(`${column.source} is missing`);
      row[column.name] = null;
      continue;
    }
    row[column.name] = convert(column, value);
  }
  let note: string | undefined;
  if (spec.derivation) {
    const derived = spec.derivation.derive(plainTopLevel(doc));
    note = derived.note;
    for (const column of spec.derivation.columns) {
      const value = derived.values[column.name];
      row[column.name] = value === undefined || value === null ? null : convert({ ...column, source: column.name }, value);
    }
  }
  const extra = Object.fromEntries(Object.entries(doc).filter(([k]) => !known.has(k)));
  row.extra_json = Object.keys(extra).length > 0 ? toJsonText(extra) : null;
  row.etl_run_id = runId;
  return note ? { row, note } : { row };
}

/** A row, or the reason the document goes to quarantine instead. */
export type Curation = TransformResult | { rejected: string };

/** toCuratedRow with a schema mismatch returned as a rejection; any other error still throws. */
export function curate(spec: CollectionSpec, doc: Document, runId: string): Curation {
  try {
    return toCuratedRow(spec, doc, runId);
  } catch (err) {
    if (err instanceof TransformError) return { rejected: err.message };
    throw err;
  }
}

/** Quarantine reason of a document the watermark cannot place. */
export function untimedReason(doc: Document): string {
  return doc.createdAt === undefined ? "createdAt is missing" : "createdAt is not a Date";
}
