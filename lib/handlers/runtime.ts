import type { InvocationContext } from "@azure/functions";
import { createLogger, type LogSink, type Logger } from "../log.js";
import { createEtlContext, type EtlContext } from "../pipeline/context.js";
import { redactSecrets, startTelemetry } from "../telemetry/index.js";
import { hostConfig } from "./host-config.js";

// Per-process state of the Functions host: config parsed once, clients reused across invocations.
export { hostConfig };

/**
 * Routes log records to the invocation, so they correlate with it in App Insights (traces carry
 * the invocation's operation id and customDimensions.InvocationId). The fields follow the message
 * as one JSON object: `message {"runId":…,"collection":…,"invocationId":…}`.
 */
export function invocationSink(context: InvocationContext): LogSink {
  return (record) => {
    const fields = { ...record.fields, invocationId: context.invocationId };
    const line = redactSecrets(`${record.message} ${JSON.stringify(fields)}`);
    if (record.level === "error") context.error(line);
    else if (record.level === "warn") context.warn(line);
    else if (record.level === "debug") context.debug(line);
    else context.info(line);
  };
}

export function invocationLogger(context: InvocationContext): Logger {
  return createLogger(invocationSink(context), { invocationId: context.invocationId });
}

export type ContextFactory = (context: InvocationContext) => Promise<EtlContext>;

/**
 * The default: host config, logs to the invocation, App Insights started once per process when
 * APPLICATIONINSIGHTS_CONNECTION_STRING is set. Tests pass their own factory.
 */
export const hostContext: ContextFactory = async (context) => {
  const config = hostConfig();
  const log = invocationLogger(context);
  await startTelemetry(config).catch((err: unknown) => {
    log.warn(`Application Insights did not start, metrics are off: ${err instanceof Error ? err.message : String(err)}`);
  });
  return createEtlContext(config, log);
};
