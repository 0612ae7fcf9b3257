import { loadConfig, type Config } from "../config.js";
import { createLogger } from "../log.js";
import type { EtlContext } from "../pipeline/context.js";
import type { CliIo } from "./io.js";

/**
 * Builds the shared context on first use (and loads the pipeline then: `--help` and parse errors
 * start in a fraction of the time), so `--help` and parse errors never need settings, and
 * commands that must not create storage (`check`) can take the config alone. The bin closes the
 * MongoDB clients at exit; in-process callers (tests) keep theirs.
 */
export interface CliSession {
  io: CliIo;
  config(): Config;
  context(): Promise<EtlContext>;
  /** Set by the command that ran; 0 until then. */
  exitCode: number;
}

export function createSession(io: CliIo): CliSession {
  let config: Config | undefined;
  let ctx: Promise<EtlContext> | undefined;
  const session: CliSession = {
    io,
    exitCode: 0,
    config: () => (config ??= loadConfig(io.env)),
    context: () =>
      (ctx ??= import("../pipeline/context.js").then(({ createEtlContext }) => createEtlContext(session.config(), createLogger(io.log)))),
  };
  return session;
}
