import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { metricDimensions, metricNames } from "../../lib/telemetry/metric-names.js";
import { filesUnder, infraDir, rel } from "./bicep.js";

/** Every KQL query infra runs: the alert rules' .kql files and the workbook's query items. */
const alertQueries = filesUnder(join(infraDir, "app/queries"), ".kql").map((path) => ({
  where: rel(path),
  query: readFileSync(path, "utf8"),
}));

interface WorkbookItem {
  name: string;
  type: number;
  content: { query?: string };
}
const workbookPath = join(infraDir, "app/etl-health.workbook.json");
const workbook = JSON.parse(readFileSync(workbookPath, "utf8")) as { items: WorkbookItem[] };
const workbookQueries = workbook.items
  .filter((item) => typeof item.content.query === "string")
  .map((item) => ({ where: `${rel(workbookPath)} item "${item.name}"`, query: item.content.query ?? "" }));

const allQueries = [...alertQueries, ...workbookQueries];
const known = new Set<string>(Object.values(metricNames));

/** Metric names a query mentions: every etl_* word (function names use dashes: etl-profiles). */
const metricsIn = (query: string) => [...new Set(query.match(/\betl_[a-z0-9_]+\b/g) ?? [])];

describe("Metric names in alert rules and the workbook", () => {
  it("found the queries", () => {
    expect(alertQueries.length).toBeGreaterThanOrEqual(5);
    expect(workbookQueries.length).toBeGreaterThanOrEqual(5);
  });

  it.each(allQueries.map((q) => [q.where, q.query]))("%s queries only metrics the code emits", (_where, query) => {
    const unknown = metricsIn(query).filter((name) => !known.has(name));
    expect(unknown, "not in lib/telemetry/metric-names.ts").toEqual([]);
  });

  it.each(allQueries.map((q) => [q.where, q.query]))("%s splits only by dimensions the code sets", (_where, query) => {
    const used = [...query.matchAll(/customDimensions\.([A-Za-z_]+)/g)].map((m) => m[1]);
    const dimensions = new Set<string>(Object.values(metricDimensions));
    expect(used.filter((d) => d !== undefined && !dimensions.has(d))).toEqual([]);
  });

  it.each(Object.entries(metricNames))("%s (%s) is charted in the workbook or watched by an alert", (_key, name) => {
    const users = allQueries.filter((q) => metricsIn(q.query).includes(name)).map((q) => q.where);
    expect(users.length, `${name} is emitted but nothing in infra/ looks at it`).toBeGreaterThan(0);
  });

  it("the workbook shows documents per hour, lag, failures, duration and backfill progress", () => {
    const charted = new Set(workbookQueries.flatMap((q) => metricsIn(q.query)));
    for (const name of [
      metricNames.documentsExtracted,
      metricNames.watermarkLagSeconds,
      metricNames.runOutcome,
      metricNames.runDurationMs,
      metricNames.backfillChunkOutcome,
    ]) {
      expect(charted.has(name), name).toBe(true);
    }
  });

  it("alerts cover no successful run, failed runs, watermark lag, quarantine and backfill poison", () => {
    const byFile = Object.fromEntries(alertQueries.map((q) => [q.where.replace(/^.*\//, ""), q.query]));
    expect(metricsIn(byFile["no-successful-run.kql"] ?? "")).toContain(metricNames.runOutcome);
    expect(metricsIn(byFile["failed-runs.kql"] ?? "")).toContain(metricNames.runOutcome);
    expect(metricsIn(byFile["watermark-lag.kql"] ?? "")).toContain(metricNames.watermarkLagSeconds);
    expect(metricsIn(byFile["quarantined-documents.kql"] ?? "")).toContain(metricNames.documentsQuarantined);
    expect(byFile["backfill-poison.kql"]).toMatch(/MaxDequeueCount/);
  });
});
