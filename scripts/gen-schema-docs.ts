/**
 * Writes docs/SCHEMAS.md from the collection specs, so the documented curated schemas are the
 * ones the code writes. `npm run gen:docs`; a test fails when the committed file is stale.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { changeFieldOf, collections, curatedColumns, isPlacementColumn, type ColumnDef, type ColumnType } from "../lib/collections/index.js";
import { TOMBSTONE_FIELD } from "../lib/rewrite/raw-history.js";

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
    "UTC `createdAt` day). `extra_json` keeps every field the schema does not know; `etl_run_id` names the",
    "run that wrote the row.",
    "",
    "## Rows are never dropped for a field (`etl_issues`)",
    "",
    "A document with an `_id` and a usable `createdAt` (a BSON date) always becomes a curated row. The",
    "*placement* columns (`id`, `created_at`) are never null; a document without them is the only kind",
    "that goes to quarantine (with documents that cannot be read). Any other field that is missing",
    "although *required*, or holds a value its column cannot (a string `rating`, a fractional `order`, a",
    "number too large for INT64), leaves that column null and is listed in `etl_issues`, a JSON array of",
    "`{\"field\", \"expected\", \"found\"}` (`found` is the value's type, e.g. `string`, `missing`, never the",
    "value). The original value stays in raw; a field without a column stays in `extra_json` as before.",
    "",
    "What changed for readers: until this column existed, a message without `userId` or an action without",
    "`type` went to quarantine, so curated counted fewer rows than MongoDB. Such rows are now in curated:",
    "totals match the application's, and a query that relied on `user_id IS NOT NULL` must now say so",
    "(`WHERE user_id IS NOT NULL`). Rows with problems: `WHERE etl_issues IS NOT NULL`; per field in Synapse:",
    "`CROSS APPLY OPENJSON(etl_issues) WITH (field varchar(64))`, in DuckDB:",
    "`unnest(from_json(etl_issues, '[{\"field\":\"VARCHAR\",\"expected\":\"VARCHAR\",\"found\":\"VARCHAR\"}]'))`.",
    "Files written before the column existed have no `etl_issues`; readers see null there.",
    "`npm run etl -- report` counts rows with issues per field.",
    "",
    "## Raw history and tombstones",
    "",
    "`raw/{collection}/date=YYYY-MM-DD/*.jsonl` holds every version of a document the ETL has seen, once",
    "per (`_id`, change time), as canonical Extended JSON, in the partition of its `createdAt` day at the",
    "time. Curated holds, per `_id`, the newest line of its partition's raw files (ordered by the change",
    "field; a document without it is unchanged since creation). A line whose only fields are `_id` and",
    `\`${TOMBSTONE_FIELD}\` is a tombstone: the document left this partition as of \`version\`.`,
    "",
    "| field | type | meaning |",
    "|---|---|---|",
    "| `_id` | as in MongoDB | the document that left |",
    `| \`${TOMBSTONE_FIELD}.reason\` | string | \`deleted\` (reconcile or a rebuild found it gone from MongoDB), \`moved\` (its createdAt moved to \`movedTo\`), \`excluded\` (in MongoDB, but no longer one the lake keeps: its createdAt is no longer a date, or a tester's) |`,
    `| \`${TOMBSTONE_FIELD}.version\` | date | the change time it supersedes up to; a later version on this day revives the document |`,
    `| \`${TOMBSTONE_FIELD}.at\` | date | when the ETL wrote it |`,
    `| \`${TOMBSTONE_FIELD}.movedTo\` | string (YYYY-MM-DD) | the new day, for \`moved\` |`,
    "",
    "A tombstone wins a tie with the version it retires. Tester purges and erasures do not leave",
    "tombstones: they remove the person's lines from every zone (audited in the `etlaudit` table).",
    "Readers of raw who want the current state: newest line per `_id`, skip tombstones.",
    "",
    "Every rewrite keeps this history. Change passes and reconcile only add lines; purge and erasure",
    "copy every other line verbatim. A rebuild from MongoDB (backfill, nightly compaction, watermark",
    "repair) writes the day's current versions and carries every line of the raw files it supersedes:",
    "older versions and tombstones, each once per (`_id`, change time) — a tombstone once per (`_id`,",
    "`version`) — and a version both hold once (MongoDB's copy). Lines never move between days: each",
    "stays in the partition of the `createdAt` its version had, so a document whose `createdAt` moved",
    "keeps its older versions and a `moved` tombstone on the old day and its later versions on the new",
    "one. A document whose newest line on the day is live but that MongoDB no longer places there",
    "(deleted, moved, its `createdAt` no longer a date) gets the tombstone reconcile would write at the",
    "rebuild, so raw's newest line per `_id` always matches curated and a re-score never revives it. The",
    "current version of a document past the committed watermark is left to the insert window that owns",
    "it (it writes that version again). Lines a purge or an erasure removed cannot come back: the",
    "rebuild reads the superseded files under the partition lock that purge and erasure also take.",
    "",
  ];
  for (const spec of collections) {
    out.push(`## ${spec.name}`, "", spec.description + ".", "");
    out.push(`Tester rule: \`${spec.testerRule}\`. Change field: \`${changeFieldOf(spec)}\`.`, "");
    out.push("| column | type | source field | required | description |", "|---|---|---|---|---|");
    for (const c of curatedColumns(spec)) {
      out.push(`| ${c.name} | ${parquetType[c.type]} | ${c.source ? `\`${c.source}\`` : "derived"} | ${requirement(c)} | ${c.description} |`);
    }
    out.push("");
  }
  return out.join("\n");
}

/** "placement": never null, else quarantined; "yes": null plus an etl_issues entry when missing. */
function requirement(c: ColumnDef): string {
  if (isPlacementColumn(c)) return "placement";
  return c.required ? "yes" : "";
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(new URL("../docs/SCHEMAS.md", import.meta.url), renderSchemaDocs());
  console.log("wrote docs/SCHEMAS.md");
}
