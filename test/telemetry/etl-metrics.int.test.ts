import { ObjectId, type Document } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collections } from "../../lib/collections/index.js";
import { runEtl, type EtlRunResult } from "../../lib/pipeline/run-etl.js";
import { metricNames } from "../../lib/telemetry/index.js";
import { generateDataset, insertDataset, type Dataset } from "../../scripts/generate/dataset.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";
import { captureMetrics, pointOf, type MetricCapture, type MetricPoint } from "./metric-capture.js";

const hex = (id: unknown) => (id instanceof ObjectId ? id.toHexString() : String(id));
const HOUR_MS = 3_600_000;

describe("metrics of a real ETL run, per collection", () => {
  let stack: TestStack;
  let capture: MetricCapture;
  let data: Dataset;
  let first: EtlRunResult;
  let points: MetricPoint[];
  const now = new Date("2026-11-20T12:00:00Z");

  beforeAll(async () => {
    capture = captureMetrics();
    stack = await createTestStack("metrics");
    data = generateDataset({ from: new Date("2026-11-18T00:00:00Z"), to: new Date("2026-11-20T11:00:00Z"), messages: 150 });
    await insertDataset(stack.db, data);
    first = await runEtl(stack.ctx, { now });
    points = await capture.collect();
  });
  afterAll(async () => {
    await capture.stop();
    await stack.close();
    await closeTestClients();
  });

  const value = (name: string, collection: string) => pointOf(points, name, { collection })?.value;

  it("counts messages as the dataset says: non-tester documents extracted, broken ones quarantined, testers excluded", () => {
    expect(first.failed).toEqual([]);
    const testers = new Set(data.testerIds.map(hex));
    const fromTesters = (m: Document) => testers.has(hex(m.userId));
    const students = data.messages.filter((m) => !fromTesters(m));
    const timed = students.filter((m) => m.createdAt instanceof Date);
    const untimed = students.length - timed.length;

    expect(value(metricNames.documentsExtracted, "messages")).toBe(students.length);
    expect(value(metricNames.rawRowsWritten, "messages")).toBe(timed.length);
    expect(value(metricNames.documentsQuarantined, "messages")).toBe(data.brokenIds.messages!.length);
    expect(value(metricNames.curatedRowsWritten, "messages")).toBe(timed.length - (data.brokenIds.messages!.length - untimed));
    expect(value(metricNames.testersExcluded, "messages")).toBe(data.messages.filter(fromTesters).length);
    // Mistyped or missing fields: kept as curated rows, counted here (the dataset's flawed documents).
    expect(value(metricNames.rowsWithIssues, "messages")).toBe(data.flawedIds.messages!.length);

    const newest = Math.max(...timed.map((m) => (m.createdAt as Date).getTime()));
    expect(pointOf(points, metricNames.watermarkLagSeconds, { collection: "messages" })).toMatchObject({ count: 1, max: (now.getTime() - newest) / 1000 });
  });

  it("counts profiles: students extracted, every tester, archived and first_name profile excluded", () => {
    expect(value(metricNames.documentsExtracted, "profiles")).toBe(data.studentIds.length);
    expect(value(metricNames.testersExcluded, "profiles")).toBe(data.testerIds.length);
  });

  it("reports for every collection exactly what its run summary says, one successful run each", () => {
    for (const summary of first.summaries) {
      const c = summary.collection;
      expect(value(metricNames.documentsExtracted, c), c).toBe(summary.extracted);
      expect(value(metricNames.rawRowsWritten, c), c).toBe(summary.rawRows);
      expect(value(metricNames.curatedRowsWritten, c), c).toBe(summary.curatedRows);
      expect(value(metricNames.documentsQuarantined, c), c).toBe(summary.quarantined);
      expect(value(metricNames.testersExcluded, c), c).toBe(summary.testersExcluded);
      expect(value(metricNames.rowsWithIssues, c), c).toBe(summary.rowsWithIssues);
      expect(pointOf(points, metricNames.runOutcome, { collection: c, outcome: "success" })?.value, c).toBe(1);
      expect(pointOf(points, metricNames.runDurationMs, { collection: c, outcome: "success" })?.count, c).toBe(1);
      expect(pointOf(points, metricNames.watermarkLagSeconds, { collection: c })?.max, c).toBe((now.getTime() - summary.watermark!.getTime()) / 1000);
    }
    const reported = new Set(points.filter((p) => p.name === metricNames.runOutcome).map((p) => p.attributes.collection));
    expect([...reported].sort()).toEqual(collections.map((c) => c.name).sort());
    expect(points.some((p) => p.name === metricNames.runOutcome && p.attributes.outcome !== "success")).toBe(false);
  });

  it("reports a quiet hour as zero documents, a success, and a watermark one hour older", async () => {
    const later = new Date(now.getTime() + HOUR_MS);
    const second = await runEtl(stack.ctx, { now: later });
    expect(second.failed).toEqual([]);
    const quiet = await capture.collect();
    for (const spec of collections) {
      const c = spec.name;
      expect(pointOf(quiet, metricNames.documentsExtracted, { collection: c })?.value, c).toBe(0);
      expect(pointOf(quiet, metricNames.runOutcome, { collection: c, outcome: "success" })?.value, c).toBe(1);
      const before = pointOf(points, metricNames.watermarkLagSeconds, { collection: c })!.max!;
      expect(pointOf(quiet, metricNames.watermarkLagSeconds, { collection: c })?.max, c).toBe(before + 3600);
    }
  });

  it("logs every line of the run with its runId and collection", () => {
    const runLines = stack.logs.filter((l) => l.fields.runId === first.runId);
    expect(runLines.length).toBeGreaterThan(collections.length);
    for (const line of stack.logs) {
      expect(line.fields.runId, line.message).toMatch(/^\d{8}_\d{6}_[0-9a-f]{6}$/);
      expect(line.fields.collection, line.message).toEqual(expect.any(String));
    }
    // Per-collection lines name exactly one collection; run-level lines name every collection of the run.
    expect(stack.logs.find((l) => l.message.startsWith("messages (since "))?.fields.collection).toBe("messages");
    expect(stack.logs.find((l) => l.message.startsWith("ETL run: "))?.fields.collection).toBe(collections.map((c) => c.name).join(","));
  });
});
