import type { InvocationContext } from "@azure/functions";
import { loadConfig, type Config } from "../config.js";
import { createLogger, type LogSink, type Logger } from "../log.js";
import { createEtlContext, type EtlContext } from "../pipeline/context.js";

/** Per-process state of the Functions host: config parsed once, clients reused across invocations. */
let config: Config | undefined;

export function hostConfig(): Config {
  config ??= loadConfig();
  return config;
}

/** Routes log records to the invocation, so they correlate with it in App Insights. */
export function invocationSink(context: InvocationContext): LogSink {
  return (record) => {
    const fields = { ...record.fields, invocationId: context.invocationId };
    const line = `${record.message} ${JSON.stringify(fields)}`;
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

/** The default: host config, logs to the invocation. Tests pass their own factory. */
export const hostContext: ContextFactory = (context) => createEtlContext(hostConfig(), invocationLogger(context));
