import { redactSecrets, redactValue } from "./telemetry/redact.js";

/**
 * Structured logging. Every line carries the run's context (runId, collection, invocationId) as
 * fields; messages never include secrets or document text, only ids, counts and paths. Every
 * record is redacted here, before any sink sees it, so no sink (console, invocation, memory, a
 * test's) can skip the redactor.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";

export interface LogRecord {
  time: Date;
  level: LogLevel;
  message: string;
  fields: Record<string, unknown>;
}

export type LogSink = (record: LogRecord) => void;

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger whose lines also carry `fields` (e.g. the collection being run). */
  child(fields: Record<string, unknown>): Logger;
}

export function createLogger(sink: LogSink, context: Record<string, unknown> = {}): Logger {
  const emit = (level: LogLevel) => (message: string, fields: Record<string, unknown> = {}) =>
    sink({ time: new Date(), level, message: redactSecrets(message), fields: redactValue({ ...context, ...fields }) as Record<string, unknown> });
  return {
    debug: emit("debug"),
    info: emit("info"),
    warn: emit("warn"),
    error: emit("error"),
    child: (fields) => createLogger(sink, { ...context, ...fields }),
  };
}

/** Terminal format in the old VM log's shape: `2026-03-21 00:00:01 [INFO] message  key=value`. */
export function formatLine(record: LogRecord): string {
  const ts = record.time.toISOString().replace("T", " ").slice(0, 19);
  const extras = Object.entries(record.fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
  return `${ts} [${record.level.toUpperCase()}] ${record.message}${extras ? `  ${extras}` : ""}`;
}

export const consoleSink =
  (minLevel: LogLevel = "info"): LogSink =>
  (record) => {
    const order: LogLevel[] = ["debug", "info", "warn", "error"];
    if (order.indexOf(record.level) < order.indexOf(minLevel)) return;
    const line = formatLine(record);
    if (record.level === "error" || record.level === "warn") process.stderr.write(line + "\n");
    else process.stdout.write(line + "\n");
  };

/** Collects records in memory (tests, and the CLI's run summary). */
export function memorySink(): LogSink & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  const sink = ((r: LogRecord) => void records.push(r)) as LogSink & { records: LogRecord[] };
  sink.records = records;
  return sink;
}

export const fanOut =
  (...sinks: LogSink[]): LogSink =>
  (record) => {
    for (const s of sinks) s(record);
  };
