import { consoleSink, type LogSink } from "../log.js";

/**
 * Where a command writes: stdout for its result (tables, JSON), stderr for diagnostics, and a log
 * sink for the pipeline's structured lines. Tests pass memory-backed writers; the bin passes the
 * process streams. Same code path either way.
 */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  log: LogSink;
  env: NodeJS.ProcessEnv;
}

export const processIo = (): CliIo => ({
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  log: consoleSink(),
  env: process.env,
});

/** Exit codes every command shares: 0 all good, 1 it ran and found a problem, 2 it could not run. */
export const exitCodes = { ok: 0, findings: 1, unusable: 2 } as const;
