import { metrics, type Counter, type Histogram, type MeterProvider } from "@opentelemetry/api";
import { metricNames } from "./metric-names.js";

/**
 * The OpenTelemetry instruments behind every custom metric. They come from the global
 * MeterProvider (set by `useAzureMonitor()` in Azure; a no-op when nothing is registered) unless a
 * provider was given with `useMeterProvider` (tests, or a host that owns its own SDK).
 *
 * Instrument kinds, chosen for App Insights `customMetrics` (the exporter uses delta temporality,
 * so each export interval writes one row per metric and dimension set that changed):
 * - counters for volumes and outcomes: a row's `valueSum` is what moved in that interval, so
 *   `sum(valueSum)` over any time range is the total, and `count()` of outcome rows counts runs;
 * - histograms for per-run measurements (duration, watermark lag): rows carry `valueCount` (runs),
 *   `valueSum`, `valueMin` and `valueMax`, so both averages and worst cases are exact.
 */
export interface Instruments {
  documentsExtracted: Counter;
  rawRowsWritten: Counter;
  curatedRowsWritten: Counter;
  rowsWithIssues: Counter;
  documentsQuarantined: Counter;
  testersExcluded: Counter;
  runDurationMs: Histogram;
  watermarkLagSeconds: Histogram;
  runOutcome: Counter;
  backfillChunkOutcome: Counter;
  reconcileDrift: Counter;
}

export const meterName = "campus-analytics-etl";

let ownProvider: MeterProvider | undefined;
// The OpenTelemetry API has no proxy meter: instruments made before a provider is registered stay
// no-ops forever. Instruments are therefore made per provider, when first used with it.
const byProvider = new WeakMap<MeterProvider, Instruments>();

/** Send metrics to `provider` instead of the global one; `undefined` goes back to the global. */
export function useMeterProvider(provider: MeterProvider | undefined): void {
  ownProvider = provider;
}

export function instruments(): Instruments {
  const provider = ownProvider ?? metrics.getMeterProvider();
  let made = byProvider.get(provider);
  if (!made) {
    made = createInstruments(provider);
    byProvider.set(provider, made);
  }
  return made;
}

const MINUTE_S = 60;
const HOUR_S = 3600;

function createInstruments(provider: MeterProvider): Instruments {
  const meter = provider.getMeter(meterName);
  const counter = (name: string, unit: string, description: string) => meter.createCounter(name, { unit, description });
  return {
    documentsExtracted: counter(metricNames.documentsExtracted, "{document}", "Documents read from MongoDB in committed windows (testers already excluded)"),
    rawRowsWritten: counter(metricNames.rawRowsWritten, "{row}", "Lines written to raw/ JSONL in committed windows"),
    curatedRowsWritten: counter(metricNames.curatedRowsWritten, "{row}", "Rows written to curated/ Parquet in committed windows"),
    rowsWithIssues: counter(metricNames.rowsWithIssues, "{row}", "Curated rows written with etl_issues (a field missing or mistyped, kept as null)"),
    documentsQuarantined: counter(metricNames.documentsQuarantined, "{document}", "Documents written to quarantine/ instead of curated/"),
    testersExcluded: counter(metricNames.testersExcluded, "{document}", "Tester or archived profiles' documents in the window, never extracted"),
    runDurationMs: meter.createHistogram(metricNames.runDurationMs, {
      unit: "ms",
      description: "Wall time of one collection run",
      advice: { explicitBucketBoundaries: [1_000, 5_000, 15_000, 60_000, 300_000, 900_000, 1_800_000, 3_600_000] },
    }),
    watermarkLagSeconds: meter.createHistogram(metricNames.watermarkLagSeconds, {
      unit: "s",
      description: "Run clock minus the createdAt of the last committed document",
      advice: { explicitBucketBoundaries: [5 * MINUTE_S, 15 * MINUTE_S, HOUR_S, 2 * HOUR_S, 6 * HOUR_S, 24 * HOUR_S, 7 * 24 * HOUR_S] },
    }),
    runOutcome: counter(metricNames.runOutcome, "{run}", "Collection runs by outcome (success | failed | skipped)"),
    backfillChunkOutcome: counter(metricNames.backfillChunkOutcome, "{chunk}", "Backfill chunks by outcome (done | failed | retrying)"),
    reconcileDrift: counter(metricNames.reconcileDrift, "{row}", "Curated rows reconcile found wrong (missing, extra, duplicate) and repaired"),
  };
}
