import type { Command } from "commander";
import type { CliSession } from "../context.js";
import { NotAvailableError } from "../errors.js";
import { jsonOption, nowOption, type CommonFlags } from "../options.js";

export interface CleanupFlags extends CommonFlags {
  dryRun?: boolean;
}

/** `etl cleanup [--dry-run] [--json]`: orphan files of windows that never committed, expired job rows, stale locks. */
export function registerCleanup(parent: Command, session: CliSession): void {
  parent
    .command("cleanup")
    .description("remove files of windows that never committed, expired backfill rows and stale locks")
    .option("--dry-run", "print what would be removed, remove nothing")
    .addOption(jsonOption())
    .addOption(nowOption())
    .action(async (_flags: CleanupFlags) => {
      void session;
      throw new NotAvailableError("cleanup", "lake cleanup (issue 12, item 5)");
    });
}
