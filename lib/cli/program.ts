import { Command } from "commander";
import { registerBackfill } from "./commands/backfill.js";
import { registerCheck } from "./commands/check.js";
import { registerCleanup } from "./commands/cleanup.js";
import { registerErase } from "./commands/erase.js";
import { registerReconcile } from "./commands/reconcile.js";
import { registerReport } from "./commands/report.js";
import { registerRun } from "./commands/run.js";
import { registerStatus } from "./commands/status.js";
import { registerSummary } from "./commands/summary.js";
import type { CliSession } from "./context.js";
import { redactSecrets } from "../telemetry/redact.js";

export const BIN_NAME = "campus-etl";

/** Every command, in the order `--help` lists them. One module per command under commands/. */
const commands = [
  registerRun,
  registerBackfill,
  registerStatus,
  registerReconcile,
  registerErase,
  registerCheck,
  registerSummary,
  registerReport,
  registerCleanup,
] as const;

/**
 * The command tree. Settings given here before the commands are added (output, exit override)
 * are inherited by each of them, so every parse error goes through one path with one exit code.
 */
export function buildProgram(session: CliSession): Command {
  const program = new Command(BIN_NAME)
    .description("Campus analytics ETL: MongoDB → ADLS Gen2 (raw JSONL, curated Parquet, quarantine)")
    // commander echoes a refused argument: through the redactor, like every other sink.
    .configureOutput({ writeOut: session.io.out, writeErr: session.io.err, outputError: (text, write) => write(redactSecrets(text)) })
    .exitOverride()
    .showSuggestionAfterError()
    .addHelpText("after", "\nFrom a checkout: npm run etl -- <command> [options]. Help on one command: <command> --help.");
  for (const register of commands) register(program, session);
  return program;
}
