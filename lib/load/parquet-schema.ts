// The schema module alone: the package index also loads its reader, which pulls in the AWS S3 SDK.
import { ParquetSchema } from "@dsnp/parquetjs/dist/lib/schema.js";
import { isPlacementColumn, type ColumnDef, type ColumnType } from "../collections/spec.js";

// parquetjs types per curated type: timestamps as INT64 TIMESTAMP_MILLIS (UTC), ids and JSON as UTF8.
const parquetTypes: Record<ColumnType, string> = {
  string: "UTF8",
  id: "UTF8",
  json: "UTF8",
  timestamp: "TIMESTAMP_MILLIS",
  double: "DOUBLE",
  int64: "INT64",
  boolean: "BOOLEAN",
};

export type Compression = "SNAPPY" | "GZIP";

export function parquetSchema(columns: readonly ColumnDef[], compression: Compression): ParquetSchema {
  const fields: Record<string, { type: string; optional: boolean; compression: Compression; statistics?: false }> = {};
  for (const column of columns) {
    // Only the placement columns are never null; a required field that is missing is a null plus an etl_issues entry.
    fields[column.name] = { type: parquetTypes[column.type], optional: !isPlacementColumn(column), compression };
    // Min/max of free text and JSON documents prune no query (see ColumnDef.freeText).
    if (column.freeText || column.type === "json") fields[column.name]!.statistics = false;
  }
  return new ParquetSchema(fields as never);
}
