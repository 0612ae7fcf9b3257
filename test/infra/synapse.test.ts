import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collectionNames, collections, curatedColumns, type CollectionSpec } from "../../lib/collections/index.js";
import {
  COLLECTIONS_JSON,
  CREDENTIAL,
  DATA_SOURCE,
  METABASE_LOGIN,
  READER_ROLE,
  renderGeneratedFiles,
  SYNAPSE_DIR,
  synapseTypes,
  UTF8_COLLATION,
} from "../../scripts/gen-synapse.js";
import { repoRoot } from "./bicep.js";

const generated = renderGeneratedFiles();
const FIX = "run npm run gen:synapse and commit the result";

describe("Generated Synapse scripts and collection list are up to date", () => {
  it.each(generated.map((f) => [f.path, f.content]))("%s matches the collection specs", (path, content) => {
    const onDisk = join(repoRoot, path);
    expect(existsSync(onDisk), `${path} is missing: ${FIX}`).toBe(true);
    expect(readFileSync(onDisk, "utf8") === content, `${path} is stale (the specs changed): ${FIX}`).toBe(true);
  });

  it("infra/synapse holds no view of a collection that no longer exists", () => {
    const wanted = new Set(generated.map((f) => f.path));
    const extra = readdirSync(join(repoRoot, SYNAPSE_DIR))
      .filter((name) => name.endsWith(".sql"))
      .map((name) => `${SYNAPSE_DIR}/${name}`)
      .filter((path) => !wanted.has(path));
    expect(extra, `not generated from any collection: ${FIX}`).toEqual([]);
  });

  it("the alert rules' collection list is every collection", () => {
    const json = JSON.parse(readFileSync(join(repoRoot, COLLECTIONS_JSON), "utf8")) as { collections: string[] };
    expect(json.collections).toEqual(collectionNames);
  });
});

const viewOf = (spec: CollectionSpec) => generated.find((f) => f.path === `${SYNAPSE_DIR}/view-${spec.name}.sql`);

describe.each(collections.map((spec) => [spec.name, spec] as const))("view curated.%s", (_name, spec) => {
  const view = viewOf(spec)?.content ?? "";
  const withClause = view.slice(view.indexOf("WITH ("));

  it("reads the collection's date= partitions and exposes the partition for pruning", () => {
    expect(view).toContain(`BULK '${spec.name}/date=*/*.parquet'`);
    expect(view).toContain(`DATA_SOURCE = '${DATA_SOURCE}'`);
    expect(view).toContain("r.filepath(1) AS partition_date");
    expect(view).toContain(`CREATE OR ALTER VIEW curated.${spec.name} AS`);
  });

  it("declares every curated column, in file order, with its Synapse type", () => {
    const declared = [...withClause.matchAll(/^\s+\[([a-z0-9_]+)\]\s+([^,\n]+?)[,\s]*(?:--|$)/gm)].map((m) => ({
      name: m[1],
      type: m[2]?.trim(),
    }));
    expect(declared).toEqual(curatedColumns(spec).map((c) => ({ name: c.name, type: synapseTypes[c.type] })));
  });

  it("reads strings with the UTF-8 binary collation", () => {
    for (const column of curatedColumns(spec).filter((c) => ["string", "id", "json"].includes(c.type))) {
      expect(withClause).toMatch(new RegExp(`\\[${column.name}\\]\\s+VARCHAR\\([0-9A-Z]+\\) COLLATE ${UTF8_COLLATION}`));
    }
  });
});

describe("Type mapping", () => {
  it("maps the lake's types the way Parquet stores them", () => {
    expect(synapseTypes).toMatchObject({
      id: expect.stringMatching(/^VARCHAR\(8000\)/) as unknown,
      timestamp: expect.stringMatching(/^DATETIME2/) as unknown,
      double: "FLOAT",
      int64: "BIGINT",
      boolean: "BIT",
      json: expect.stringMatching(/^VARCHAR\(MAX\)/) as unknown,
    });
  });

  it("a new collection gets its own view and joins the alert list", () => {
    const extra: CollectionSpec = {
      name: "badges",
      description: "Badges earned",
      testerRule: "userId",
      columns: [
        { name: "id", type: "id", source: "_id", required: true, description: "Badge id" },
        { name: "created_at", type: "timestamp", source: "createdAt", required: true, description: "Earned (UTC)" },
      ],
    };
    const files = renderGeneratedFiles([...collections, extra]);
    expect(files.map((f) => f.path)).toContain(`${SYNAPSE_DIR}/view-badges.sql`);
    const list = files.find((f) => f.path === COLLECTIONS_JSON)?.content ?? "";
    expect((JSON.parse(list) as { collections: string[] }).collections).toContain("badges");
  });
});

/** A script's batches (split on GO lines), each without comment lines and blank lines. */
function batches(path: string): string[] {
  const file = generated.find((f) => f.path === `${SYNAPSE_DIR}/${path}`);
  if (!file) throw new Error(`${path} is not generated`);
  return file.content
    .split(/^GO$/m)
    .map((b) => b.split("\n").filter((l) => l.trim() !== "" && !l.trim().startsWith("--")).join("\n"))
    .filter((b) => b !== "");
}

describe("Synapse setup scripts run as written", () => {
  it("puts CREATE DATABASE alone in its batch (serverless refuses it inside IF)", () => {
    const create = batches("00-database.sql").filter((b) => /CREATE DATABASE/.test(b));
    expect(create).toEqual([`CREATE DATABASE campus_analytics COLLATE ${UTF8_COLLATION};`]);
  });

  it("declares free text and ids wide enough that one long value cannot fail a query", () => {
    expect(synapseTypes.string).toMatch(/^VARCHAR\(MAX\)/);
    const view = generated.find((f) => f.path === `${SYNAPSE_DIR}/view-messages.sql`)!.content;
    expect(view).toMatch(/\[student_message\]\s+VARCHAR\(MAX\)/);
    expect(view).toMatch(/\[user_id\]\s+VARCHAR\(8000\)/);
    expect(view).not.toMatch(/VARCHAR\(24\)/);
  });

  it("grants Metabase's login, through a role, SELECT on the views and REFERENCES on the credential", () => {
    expect(batches("00-database.sql").join("\n")).toContain(`CREATE LOGIN ${METABASE_LOGIN} WITH PASSWORD = '$(METABASE_PASSWORD)';`);
    const access = batches("02-metabase-access.sql").join("\n");
    expect(access).toContain(`CREATE ROLE ${READER_ROLE};`);
    expect(access).toContain(`GRANT SELECT ON SCHEMA::curated TO ${READER_ROLE};`);
    expect(access).toContain(`GRANT REFERENCES ON DATABASE SCOPED CREDENTIAL::${CREDENTIAL} TO ${READER_ROLE};`);
    expect(access).toContain(`CREATE USER ${METABASE_LOGIN} FROM LOGIN ${METABASE_LOGIN};`);
    expect(access).toContain(`ALTER ROLE ${READER_ROLE} ADD MEMBER ${METABASE_LOGIN};`);
    // Rights go to the role only, never to the login's user directly.
    expect(access).not.toMatch(new RegExp(`GRANT [^;]+ TO ${METABASE_LOGIN};`));
  });

  it("never commits a password: the scripts take it as a sqlcmd variable", () => {
    for (const file of generated.filter((f) => f.path.endsWith(".sql"))) {
      expect(file.content).not.toMatch(/PASSWORD = '(?!\$\()/);
    }
  });
});
