/**
 * Writes docs/SCHEMAS.md from the collection specs, so the documented curated schemas are the
 * ones the code writes. `npm run gen:docs`; a test fails when the committed file is stale.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { collections, curatedColumns, type ColumnType } from "../lib/collections/index.js";

const parquetType: Record<ColumnType, string> = {
  string: "BYTE_ARRAY UTF8",
  id: "BYTE_ARRAY UTF8 (24-hex for ObjectIds)",
  json: "BYTE_ARRAY UTF8 (JSON text)",
  timestamp: "INT64 TIMESTAMP_MILLIS (UTC)",
  double: "DOUBLE",
  int64: "INT64",
  boolean: "BOOLEAN",
};

export function renderSchemaDocs(): string {
  const out = [
    "# Curated schemas",
    "",
    "Generated from `lib/collections/*.ts` by `npm run gen:docs`; do not edit by hand.",
    "",
    "Every table is Parquet under `curated/{collection}/date=YYYY-MM-DD/` (the partition is the document's",
    "UTC `createdAt` day). Required columns are never null: a document without them is quarantined.",
    "`extra_json` keeps every field the schema does not know; `etl_run_id` names the run that wrote the row.",
    "",
  ];
  for (const spec of collections) {
    out.push(`## ${spec.name}`, "", spec.description + ".", "");
    out.push(`Tester rule: \`${spec.testerRule}\`.`, "");
    out.push("| column | type | source field | required | description |", "|---|---|---|---|---|");
    for (const c of curatedColumns(spec)) {
      out.push(`| ${c.name} | ${parquetType[c.type]} | ${c.source ? `\`${c.source}\`` : "derived"} | ${c.required ? "yes" : ""} | ${c.description} |`);
    }
    out.push("");
  }
  return out.join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(new URL("../docs/SCHEMAS.md", import.meta.url), renderSchemaDocs());
  console.log("wrote docs/SCHEMAS.md");
}
