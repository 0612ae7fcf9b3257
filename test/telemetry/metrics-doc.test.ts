import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { metricDimensions, metricNames } from "../../lib/telemetry/index.js";

const doc = readFileSync(new URL("../../docs/METRICS.md", import.meta.url), "utf8");
const tableRows = doc.split("\n").filter((line) => /^\| `etl_/.test(line));

describe("docs/METRICS.md", () => {
  it("documents every metric in its table, once, and mentions no other etl_* metric", () => {
    const documented = tableRows.map((row) => /^\| `([a-z_]+)`/.exec(row)?.[1]);
    expect(documented.sort()).toEqual(Object.values(metricNames).sort());
    const mentioned = new Set(doc.match(/\betl_[a-z0-9_]+\b/g) ?? []);
    expect([...mentioned].filter((name) => !(Object.values(metricNames) as string[]).includes(name))).toEqual([]);
  });

  it("splits customMetrics queries only by the dimensions the code sets", () => {
    const queries = [...doc.matchAll(/```kusto\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((q) => q.includes("customMetrics"));
    expect(queries.length).toBeGreaterThanOrEqual(6);
    const used = new Set(queries.flatMap((q) => [...q.matchAll(/customDimensions\.([A-Za-z_]+)/g)].map((m) => m[1]!)));
    expect([...used].sort()).toEqual(Object.values(metricDimensions).sort());
  });
});
