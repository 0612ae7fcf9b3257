import type { InvocationContext } from "@azure/functions";
import { createLogger, type LogSink, type Logger } from "../log.js";
import { createEtlContext, type EtlContext } from "../pipeline/context.js";
import { errorText, redactSecrets, startTelemetry } from "../telemetry/index.js";
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

/**
 * What a handler throws reaches App Insights as the invocation's exception (type, message, stack).
 * It is rethrown with redacted, driver-safe text (errorText) under its own class name and with its
 * original stack frames, so no secret or document value rides along and the trace still points home.
 */
export function safeError(err: unknown): Error {
  const safe = new Error(errorText(err));
  safe.name = err instanceof Error ? err.name : "Error";
  const frames = err instanceof Error ? (err.stack ?? "").split("\n").filter((l) => /^\s+at /.test(l)) : [];
  safe.stack = [`${safe.name}: ${safe.message}`, ...frames].join("\n");
  return safe;
}

/** A handler whose failures leave as `safeError`s. Every handler given to the host is wrapped. */
export function redactedFailures<A extends unknown[], R>(handler: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await handler(...args);
    } catch (err) {
      throw safeError(err);
    }
  };
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
    log.warn(`Application Insights did not start, metrics are off: ${errorText(err)}`);
  });
  return createEtlContext(config, log);
};
