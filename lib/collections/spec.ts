import type { Document } from "mongodb";

/** Curated column types; each maps to one Parquet type and one Synapse SQL type. */
export type ColumnType = "string" | "id" | "timestamp" | "double" | "int64" | "boolean" | "json";

export interface ColumnDef {
  /** Parquet / SQL column name (snake_case). */
  name: string;
  type: ColumnType;
  /** Top-level document field it comes from; omitted for derived columns. */
  source?: string;
  /**
   * The document should always have the field. When it is missing, the row is still written with
   * the column null and an `etl_issues` entry; only the placement columns (`_id`, `createdAt`)
   * quarantine a document without them.
   */
  required?: boolean;
  /**
   * Free text (messages, stack traces): its Parquet pages carry no min/max statistics. Those prune
   * nothing for a text column, and parquetjs would copy whole texts into every page header, column
   * chunk and column index (and hash and compare each one while writing).
   */
  freeText?: true;
  description: string;
}

/** What a spec adds beyond field-by-field copying, computed from the whole document. */
export interface Derivation {
  columns: readonly ColumnDef[];
  /** Values for `columns`, plus an optional reason when they are null for a countable cause. */
  derive(doc: Document): { values: Record<string, unknown>; note?: string };
}

/**
 * How tester data is kept out: `profile` applies the profile rules to the collection itself,
 * `userId` drops documents whose userId belongs to an excluded profile, `none` keeps everything.
 */
export type TesterRule = "profile" | "userId" | "none";

export interface CollectionSpec {
  name: string;
  description: string;
  testerRule: TesterRule;
  columns: readonly ColumnDef[];
  derivation?: Derivation;
  /**
   * Top-level field holding the time of the document's last change (default `updatedAt`). The
   * change cursor follows it; a document without it counts as unchanged since creation.
   */
  changeField?: string;
}

export const DEFAULT_CHANGE_FIELD = "updatedAt";

export function changeFieldOf(spec: CollectionSpec): string {
  return spec.changeField ?? DEFAULT_CHANGE_FIELD;
}

/** Columns every curated table carries, after the spec's own. */
export const lineageColumns: readonly ColumnDef[] = [
  { name: "extra_json", type: "json", description: "Fields the schema does not know, as one JSON object (null when none)" },
  {
    name: "etl_issues",
    type: "json",
    description: 'Fields missing or not holdable by their column, as a JSON array of {"field","expected","found"} (null when none); the column is null, the original is in raw',
  },
  { name: "etl_run_id", type: "string", description: "Run (or backfill/compaction) id that wrote the row" },
];

/** Fields that place a row (its identity and partition day): never null; without them a document is quarantined. */
export const placementSources: readonly string[] = ["_id", "createdAt"];

export function isPlacementColumn(column: ColumnDef): boolean {
  return column.source !== undefined && placementSources.includes(column.source);
}

/** All curated columns of a spec in file order. */
export function curatedColumns(spec: CollectionSpec): ColumnDef[] {
  return [...spec.columns, ...(spec.derivation?.columns ?? []), ...lineageColumns];
}

export function defineCollection(spec: CollectionSpec): CollectionSpec {
  const names = curatedColumns(spec).map((c) => c.name);
  const dupes = names.filter((n, i) => names.indexOf(n) !== i);
  if (dupes.length) throw new Error(`Collection ${spec.name}: duplicate curated columns ${dupes.join(", ")}`);
  if (!spec.columns.some((c) => c.source === "createdAt" && c.type === "timestamp")) {
    throw new Error(`Collection ${spec.name}: needs a timestamp column from createdAt (partitioning relies on it)`);
  }
  return spec;
}
