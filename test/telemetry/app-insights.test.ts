import { AzureMonitorMetricExporter } from "@azure/monitor-opentelemetry-exporter";
import { metrics } from "@opentelemetry/api";
import { AggregationTemporality, InstrumentType } from "@opentelemetry/sdk-metrics";
import { afterAll, describe, expect, it } from "vitest";
import { emptySummary } from "../../lib/pipeline/summary.js";
import { flushTelemetry, metricNames, recordCollectionRun, startTelemetry, stopTelemetry } from "../../lib/telemetry/index.js";
import { collectPoints, deltaReader, pointOf } from "./metric-capture.js";

// A well-formed connection string whose ingestion endpoint is a closed local port: nothing leaves the machine.
const connectionString = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/";

describe("Application Insights switch", () => {
  const statsbeat = process.env.APPLICATIONINSIGHTS_STATSBEAT_DISABLED;
  afterAll(async () => {
    await stopTelemetry();
    metrics.disable();
    if (statsbeat === undefined) delete process.env.APPLICATIONINSIGHTS_STATSBEAT_DISABLED;
    else process.env.APPLICATIONINSIGHTS_STATSBEAT_DISABLED = statsbeat;
  });

  it("stays off, registering nothing, without APPLICATIONINSIGHTS_CONNECTION_STRING", async () => {
    const before = metrics.getMeterProvider();
    expect(await startTelemetry({ appInsightsConnectionString: undefined })).toBe(false);
    expect(metrics.getMeterProvider()).toBe(before);
    await flushTelemetry(); // a no-op, must not throw
  });

  it("with a connection string, useAzureMonitor() becomes the global MeterProvider and receives the run metrics", async () => {
    process.env.APPLICATIONINSIGHTS_STATSBEAT_DISABLED = "true";
    const reader = deltaReader();
    const started = await startTelemetry(
      { appInsightsConnectionString: connectionString },
      { metricReaders: [reader], azureMonitorExporterOptions: { disableOfflineStorage: true } },
    );
    expect(started).toBe(true);
    expect(await startTelemetry({ appInsightsConnectionString: connectionString })).toBe(true); // once per process

    recordCollectionRun({ ...emptySummary("paths", "20261120_120000", new Date("2026-11-20T12:00:00Z"), false), extracted: 9, durationMs: 50 });
    const points = await collectPoints(reader);
    expect(pointOf(points, metricNames.documentsExtracted, { collection: "paths" })?.value).toBe(9);
    expect(pointOf(points, metricNames.runOutcome, { collection: "paths", outcome: "success" })?.value).toBe(1);
  }, 30_000);

  it("exports counters and histograms to customMetrics as deltas, so sum(valueSum) over a time range is the total", () => {
    const exporter = new AzureMonitorMetricExporter({ connectionString, disableOfflineStorage: true });
    expect(exporter.selectAggregationTemporality(InstrumentType.COUNTER)).toBe(AggregationTemporality.DELTA);
    expect(exporter.selectAggregationTemporality(InstrumentType.HISTOGRAM)).toBe(AggregationTemporality.DELTA);
  });
});
