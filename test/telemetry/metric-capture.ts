import type { Attributes } from "@opentelemetry/api";
import {
  AggregationTemporality,
  DataPointType,
  MeterProvider,
  MetricReader,
  type Histogram,
  type MetricReaderOptions,
} from "@opentelemetry/sdk-metrics";
import { useMeterProvider } from "../../lib/telemetry/index.js";

/**
 * Captures the app's metrics in memory, the way App Insights receives them: delta temporality (the
 * Azure Monitor exporter's choice for counters and histograms), one point per metric and
 * dimension set per collection.
 */
export interface MetricPoint {
  name: string;
  unit: string;
  kind: "counter" | "histogram" | "gauge";
  attributes: Attributes;
  /** Counter: the sum in the interval. Histogram: the sum of recorded values. */
  value: number;
  /** Histogram only. */
  count?: number;
  min?: number;
  max?: number;
}

class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

export function deltaReader(options: MetricReaderOptions = {}): MetricReader {
  return new CollectingReader({ aggregationTemporalitySelector: () => AggregationTemporality.DELTA, ...options });
}

/** Points collected from `reader` since its previous collect. */
export async function collectPoints(reader: MetricReader): Promise<MetricPoint[]> {
  const { resourceMetrics } = await reader.collect();
  const points: MetricPoint[] = [];
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      const { name, unit } = metric.descriptor;
      for (const dp of metric.dataPoints) {
        if (metric.dataPointType === DataPointType.HISTOGRAM) {
          const h = dp.value as Histogram;
          points.push({ name, unit, kind: "histogram", attributes: dp.attributes, value: h.sum ?? 0, count: h.count, min: h.min, max: h.max });
        } else {
          points.push({ name, unit, kind: metric.dataPointType === DataPointType.SUM ? "counter" : "gauge", attributes: dp.attributes, value: dp.value as number });
        }
      }
    }
  }
  return points;
}

export interface MetricCapture {
  collect(): Promise<MetricPoint[]>;
  stop(): Promise<void>;
}

/** Routes the app's metrics to an in-memory reader until `stop()`. */
export function captureMetrics(): MetricCapture {
  const reader = deltaReader();
  const provider = new MeterProvider({ readers: [reader] });
  useMeterProvider(provider);
  return {
    collect: () => collectPoints(reader),
    stop: async () => {
      useMeterProvider(undefined);
      await provider.shutdown();
    },
  };
}

/** The single point of `name` whose attributes include `attributes`; undefined when none. */
export function pointOf(points: MetricPoint[], name: string, attributes: Attributes): MetricPoint | undefined {
  const matches = points.filter((p) => p.name === name && Object.entries(attributes).every(([k, v]) => p.attributes[k] === v));
  if (matches.length > 1) throw new Error(`${matches.length} points of ${name} match ${JSON.stringify(attributes)}`);
  return matches[0];
}
