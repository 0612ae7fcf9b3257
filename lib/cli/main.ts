import { CommanderError } from "commander";
import { ConfigError } from "../config.js";
import { errorText } from "../telemetry/error-text.js";
import { redactSecrets } from "../telemetry/redact.js";
import { createSession } from "./context.js";
import { UsageError } from "./errors.js";
import { exitCodes, processIo, type CliIo } from "./io.js";
import { buildProgram } from "./program.js";

/**
 * Parses `argv` (without node and script), runs the command and returns its exit code. Never
 * throws: every failure is printed to `io.err` naming what went wrong.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const session = createSession(io);
  try {
    await buildProgram(session).parseAsync(withDefaultCommand(argv), { from: "user" });
    return session.exitCode;
  } catch (err) {
    // commander has already printed its own message ("error: unknown option '--x'").
    if (err instanceof CommanderError) return err.exitCode === 0 ? exitCodes.ok : exitCodes.unusable;
    if (err instanceof ConfigError) io.err(`${err.message}\n`);
    else if (err instanceof UsageError) io.err(`error: ${redactSecrets(err.message)}\n`);
    else io.err(`ETL failed: ${errorText(err)}\n`);
    return exitCodes.unusable;
  }
}

/**
 * No command, or flags only (`etl --collection messages`), means `run`: today's invocations keep
 * working, while an unknown word is still reported as an unknown command, not as run's argument.
 */
function withDefaultCommand(argv: readonly string[]): string[] {
  const first = argv[0];
  const help = first === "-h" || first === "--help";
  return first === undefined || (first.startsWith("-") && !help) ? ["run", ...argv] : [...argv];
}
