import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { metricNames } from "../../lib/telemetry/metric-names.js";
import { filesUnder, infraDir, rel } from "./bicep.js";
import { checkKql } from "./kusto.js";

/**
 * Every KQL query that ships (alert rules in infra/app/queries, the workbook's tiles) parses and
 * type-checks against the Application Insights schema with the official Kusto language service,
 * after the same substitutions Bicep makes. A misspelt column or a removed one fails here, not in
 * a deployment or, worse, in an alert that silently never fires.
 */
const collections = (JSON.parse(readFileSync(join(infraDir, "app/collections.generated.json"), "utf8")) as { collections: string[] }).collections;
const alertPlaceholders: Record<string, string> = {
  "{{collections}}": JSON.stringify(collections), // string(collections) in alerts.bicep
  "{{poisonQueue}}": "backfill-chunks-poison",
};
const workbookPlaceholders: Record<string, string> = {
  __COLLECTIONS__: collections.map((c) => `'${c}'`).join(", "), // join(map(...)) in workbook.bicep
};

function substitute(query: string, placeholders: Record<string, string>): string {
  let out = query;
  for (const [from, to] of Object.entries(placeholders)) out = out.split(from).join(to);
  return out;
}

const alertQueries = filesUnder(join(infraDir, "app/queries"), ".kql").map((path) => ({
  name: rel(path),
  raw: readFileSync(path, "utf8"),
  query: substitute(readFileSync(path, "utf8"), alertPlaceholders),
}));
const workbook = JSON.parse(readFileSync(join(infraDir, "app/etl-health.workbook.json"), "utf8")) as { items: { name?: string; content?: { query?: string; title?: string } }[] };
const workbookQueries = workbook.items.flatMap((item, i) =>
  item.content?.query ? [{ name: `workbook tile ${i} (${item.name ?? item.content.title ?? "untitled"})`, raw: item.content.query, query: substitute(item.content.query, workbookPlaceholders)! }] : [],
);
const all = [...alertQueries, ...workbookQueries];

describe("KQL queries (Kusto language service, Application Insights schema)", () => {
  // Loading the language service (a few MB of Bridge.NET JavaScript) takes seconds on a busy machine.
  beforeAll(() => void checkKql("print 1"), 60_000);

  it("finds the alert and workbook queries", () => {
    expect(alertQueries.length).toBe(6);
    expect(workbookQueries.length).toBeGreaterThanOrEqual(9);
  });

  it.each(all)("$name parses and type-checks", ({ query }) => {
    const problems = checkKql(query).filter((p) => p.severity === "Error");
    expect(problems, problems.map((p) => `line ${p.line} near ${JSON.stringify(p.near)}: ${p.message}`).join("\n")).toEqual([]);
  });

  it.each(all)("$name uses no placeholder that Bicep does not fill", ({ query }) => {
    expect(query).not.toMatch(/\{\{\w+\}\}|__[A-Z_]+__/);
  });

  it.each(all)("$name reads metrics the code emits, and never the removed `value` column", ({ query }) => {
    const names = [...query.matchAll(/"(etl_[a-z_]+)"/g)].map((m) => m[1]);
    const known = Object.values(metricNames) as string[];
    expect(names.filter((n) => !known.includes(n!))).toEqual([]);
    expect(query).not.toMatch(/coalesce\([^)]*\bvalue\)/);
  });

  it("substitutes in Bicep exactly what the test substitutes", () => {
    const alerts = readFileSync(join(infraDir, "app/alerts.bicep"), "utf8");
    for (const { name, raw } of alertQueries) {
      for (const placeholder of Object.keys(alertPlaceholders).filter((p) => raw.includes(p))) {
        expect(alerts, `${name}: ${placeholder}`).toContain(`replace(loadTextContent('queries/${name.split("/").pop()}'), '${placeholder}'`);
      }
    }
    const workbookBicep = readFileSync(join(infraDir, "app/workbook.bicep"), "utf8");
    expect(workbookBicep).toContain("'__COLLECTIONS__', join(map(collections, c => '\\'${c}\\''), ', ')");
  });

  it("counts failed timer invocations of collections only (etl-compact is not a collection)", () => {
    for (const { raw } of all.filter((q) => q.raw.includes("operation_Name startswith"))) {
      expect(raw).toMatch(/where collection in \((expected|__COLLECTIONS__)\)/);
    }
  });

  it("would catch a broken query: a removed column and a syntax error are reported", () => {
    expect(checkKql("customMetrics | project v = coalesce(valueSum, value)").some((p) => p.severity === "Error")).toBe(true);
    expect(checkKql("requests | where success == false |").some((p) => p.severity === "Error")).toBe(true);
    expect(checkKql('customMetrics | where name == "etl_run_outcome" | summarize sum(valueSum) by bin(timestamp, 1h)')).toEqual([]);
  });
});
