import type { AzureMonitorOpenTelemetryOptions } from "applicationinsights";
import type { Config } from "../config.js";

/**
 * Application Insights, switched on by APPLICATIONINSIGHTS_CONNECTION_STRING. `useAzureMonitor()`
 * registers the global OpenTelemetry MeterProvider (exporting to `customMetrics`), so the
 * instruments in instruments.ts report there with no further wiring. Without a connection string
 * nothing is loaded and nothing is sent: the app is silent.
 *
 * Once per process: the Functions host keeps the worker between invocations.
 */
let started: Promise<boolean> | undefined;

export function startTelemetry(
  config: Pick<Config, "appInsightsConnectionString" | "managedIdentityClientId">,
  /** Extra distro options (tests add a metric reader and turn off disk retry). */
  extra: AzureMonitorOpenTelemetryOptions = {},
): Promise<boolean> {
  const connectionString = config.appInsightsConnectionString;
  if (!connectionString) return Promise.resolve(false);
  started ??= (async () => {
    // Loaded only when enabled: the distro pulls in the whole OpenTelemetry SDK.
    const appInsights = await import("applicationinsights");
    // Local auth is off on the Azure resource (DisableLocalAuth): ingestion needs an Entra token,
    // taken from the app's user-assigned identity. Locally (no identity) the key alone is used.
    const credential = config.managedIdentityClientId
      ? new (await import("@azure/identity")).ManagedIdentityCredential({ clientId: config.managedIdentityClientId })
      : undefined;
    appInsights.useAzureMonitor({
      ...extra,
      azureMonitorExporterOptions: { ...extra.azureMonitorExporterOptions, connectionString, ...(credential ? { credential } : {}) },
      // The Functions host already reports process counters; per-second samples only add cost.
      enableAutoCollectPerformance: false,
    });
    return true;
  })();
  started.catch(() => (started = undefined));
  return started;
}

/**
 * Sends what is buffered now instead of at the next 60 s export: a Consumption or Flex instance
 * may be frozen or recycled right after an invocation, taking unsent metrics with it.
 */
export async function flushTelemetry(): Promise<void> {
  if (!started || !(await started.catch(() => false))) return;
  const appInsights = await import("applicationinsights");
  await appInsights.flushAzureMonitor().catch(() => undefined); // never fail an invocation over telemetry
}

/** Flushes and stops exporting (process exit, tests). */
export async function stopTelemetry(): Promise<void> {
  if (!started || !(await started.catch(() => false))) return;
  started = undefined;
  const appInsights = await import("applicationinsights");
  await appInsights.shutdownAzureMonitor();
}
