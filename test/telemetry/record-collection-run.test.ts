import { metrics } from "@opentelemetry/api";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { emptySummary, type CollectionRunSummary } from "../../lib/pipeline/summary.js";
import { metricNames, recordBackfillChunk, recordCollectionRun, recordReconcileDrift, watermarkLagSeconds } from "../../lib/telemetry/index.js";
import { captureMetrics, collectPoints, deltaReader, pointOf, type MetricCapture } from "./metric-capture.js";

const startedAt = new Date("2026-11-20T12:00:00Z");

function summary(overrides: Partial<CollectionRunSummary> = {}): CollectionRunSummary {
  return {
    ...emptySummary("messages", "20261120_120000", startedAt, false),
    extracted: 120,
    rawRows: 118,
    curatedRows: 115,
    quarantined: 5,
    testersExcluded: 7,
    durationMs: 4200,
    watermark: new Date("2026-11-20T11:40:00Z"),
    ...overrides,
  };
}

describe("recordCollectionRun", () => {
  let capture: MetricCapture;
  beforeEach(() => {
    capture = captureMetrics();
  });
  afterEach(async () => {
    await capture.stop();
  });

  it("reports a successful run's volumes, duration, watermark lag and outcome with the collection as dimension", async () => {
    recordCollectionRun(summary());
    const points = await capture.collect();
    const messages = { collection: "messages" };
    expect(pointOf(points, metricNames.documentsExtracted, messages)).toMatchObject({ kind: "counter", value: 120, unit: "{document}" });
    expect(pointOf(points, metricNames.rawRowsWritten, messages)).toMatchObject({ kind: "counter", value: 118 });
    expect(pointOf(points, metricNames.curatedRowsWritten, messages)).toMatchObject({ kind: "counter", value: 115 });
    expect(pointOf(points, metricNames.documentsQuarantined, messages)).toMatchObject({ kind: "counter", value: 5 });
    expect(pointOf(points, metricNames.testersExcluded, messages)).toMatchObject({ kind: "counter", value: 7 });
    expect(pointOf(points, metricNames.runDurationMs, { ...messages, outcome: "success" })).toMatchObject({
      kind: "histogram",
      unit: "ms",
      count: 1,
      value: 4200,
      max: 4200,
    });
    expect(pointOf(points, metricNames.watermarkLagSeconds, messages)).toMatchObject({ kind: "histogram", unit: "s", count: 1, max: 20 * 60 });
    expect(pointOf(points, metricNames.runOutcome, { ...messages, outcome: "success" })).toMatchObject({ kind: "counter", value: 1 });
  });

  it("carries only the collection and outcome dimensions, never a run id or error text", async () => {
    recordCollectionRun(summary({ outcome: "failed", error: "MongoDB connection failed (db.example.net)" }));
    recordCollectionRun(summary());
    const keys = new Set((await capture.collect()).flatMap((p) => Object.keys(p.attributes)));
    expect([...keys].sort()).toEqual(["collection", "outcome"]);
  });

  it("counts no volumes for a failed run, whose window is replayed and counted later, but reports its outcome, duration and lag", async () => {
    recordCollectionRun(summary({ outcome: "failed", error: "boom", extracted: 50, rawRows: 50, durationMs: 900 }));
    const points = await capture.collect();
    for (const name of [metricNames.documentsExtracted, metricNames.rawRowsWritten, metricNames.curatedRowsWritten, metricNames.documentsQuarantined, metricNames.testersExcluded]) {
      expect(points.filter((p) => p.name === name), name).toEqual([]);
    }
    expect(pointOf(points, metricNames.runOutcome, { collection: "messages", outcome: "failed" })?.value).toBe(1);
    expect(pointOf(points, metricNames.runOutcome, { collection: "messages", outcome: "success" })).toBeUndefined();
    expect(pointOf(points, metricNames.runDurationMs, { collection: "messages", outcome: "failed" })?.value).toBe(900);
    expect(pointOf(points, metricNames.watermarkLagSeconds, { collection: "messages" })?.max).toBe(1200);
  });

  it("reports a skipped run as an outcome only", async () => {
    recordCollectionRun(summary({ outcome: "skipped", extracted: 0, rawRows: 0, curatedRows: 0, quarantined: 0, testersExcluded: 0, watermark: undefined, durationMs: 12 }));
    const points = await capture.collect();
    expect(points.map((p) => p.name).sort()).toEqual([metricNames.runDurationMs, metricNames.runOutcome].sort());
    expect(pointOf(points, metricNames.runOutcome, { outcome: "skipped" })?.value).toBe(1);
  });

  it("reports nothing for a dry run", async () => {
    recordCollectionRun(summary({ dryRun: true }));
    expect(await capture.collect()).toEqual([]);
  });

  it("reports a zero-document success, so quiet hours chart as 0 rather than as a gap", async () => {
    recordCollectionRun(summary({ extracted: 0, rawRows: 0, curatedRows: 0, quarantined: 0, testersExcluded: 0 }));
    const points = await capture.collect();
    expect(pointOf(points, metricNames.documentsExtracted, { collection: "messages" })?.value).toBe(0);
  });

  it("sums counters and aggregates histograms of runs in one export interval, and sends nothing for an idle interval", async () => {
    recordCollectionRun(summary({ extracted: 10, durationMs: 1000, watermark: new Date("2026-11-20T11:00:00Z") }));
    recordCollectionRun(summary({ extracted: 15, durationMs: 3000 }));
    recordCollectionRun(summary({ collection: "actions", extracted: 4 }));
    const points = await capture.collect();
    expect(pointOf(points, metricNames.documentsExtracted, { collection: "messages" })?.value).toBe(25);
    expect(pointOf(points, metricNames.documentsExtracted, { collection: "actions" })?.value).toBe(4);
    expect(pointOf(points, metricNames.runOutcome, { collection: "messages", outcome: "success" })?.value).toBe(2);
    expect(pointOf(points, metricNames.runDurationMs, { collection: "messages" })).toMatchObject({ count: 2, value: 4000, min: 1000, max: 3000 });
    expect(pointOf(points, metricNames.watermarkLagSeconds, { collection: "messages" })).toMatchObject({ count: 2, min: 1200, max: 3600 });
    expect(await capture.collect()).toEqual([]);
  });

  it("counts backfill chunks by collection and outcome", async () => {
    recordBackfillChunk({ collection: "messages", outcome: "done", documents: 300 });
    recordBackfillChunk({ collection: "messages", outcome: "done", documents: 12 });
    recordBackfillChunk({ collection: "messages", outcome: "retrying", documents: 0 });
    recordBackfillChunk({ collection: "tasks", outcome: "failed", documents: 0 });
    const points = await capture.collect();
    expect(points.every((p) => p.name === metricNames.backfillChunkOutcome && p.kind === "counter")).toBe(true);
    expect(pointOf(points, metricNames.backfillChunkOutcome, { collection: "messages", outcome: "done" })?.value).toBe(2);
    expect(pointOf(points, metricNames.backfillChunkOutcome, { collection: "messages", outcome: "retrying" })?.value).toBe(1);
    expect(pointOf(points, metricNames.backfillChunkOutcome, { collection: "tasks", outcome: "failed" })?.value).toBe(1);
  });

  it("emits every metric named in metric-names.ts, and no other", async () => {
    recordCollectionRun(summary());
    recordBackfillChunk({ collection: "messages", outcome: "done", documents: 1 });
    recordReconcileDrift({ collection: "messages", rows: 0 });
    const emitted = new Set((await capture.collect()).map((p) => p.name));
    expect([...emitted].sort()).toEqual(Object.values(metricNames).sort());
  });
});

describe("watermarkLagSeconds", () => {
  it("is the run's clock minus the watermark's createdAt, and undefined with no watermark", () => {
    expect(watermarkLagSeconds({ startedAt, watermark: new Date("2026-11-20T09:30:00Z") })).toBe(2.5 * 3600);
    expect(watermarkLagSeconds({ startedAt, watermark: undefined })).toBeUndefined();
  });
});

describe("the global MeterProvider (how useAzureMonitor() connects App Insights)", () => {
  afterEach(() => {
    metrics.disable();
  });

  it("receives the metrics once registered, even when a run reported before (no-op) registration", async () => {
    recordCollectionRun(summary()); // no provider registered yet: a no-op, and must not pin a no-op meter
    const reader = deltaReader();
    const provider = new MeterProvider({ readers: [reader] });
    expect(metrics.setGlobalMeterProvider(provider)).toBe(true);
    recordCollectionRun(summary({ extracted: 3 }));
    const points = await collectPoints(reader);
    expect(pointOf(points, metricNames.documentsExtracted, { collection: "messages" })?.value).toBe(3);
    await provider.shutdown();
  });
});
