import type { Command } from "commander";
import type { CliSession } from "../context.js";
import { exitCodes } from "../io.js";
import { jsonOption, nowOption, type CommonFlags } from "../options.js";

export interface CleanupFlags extends CommonFlags {
  dryRun?: boolean;
}

/**
 * `etl cleanup [--dry-run] [--json]`: files of windows that never committed, finished backfill jobs
 * past retention, stale lock blobs (lib/ops/cleanup.ts says exactly which). Nothing a committed or
 * pending window covers is touched.
 */
export function registerCleanup(parent: Command, session: CliSession): void {
  parent
    .command("cleanup")
    .description("remove files of windows that never committed, expired backfill rows and stale locks")
    .option("--dry-run", "print what would be removed, remove nothing")
    .addOption(jsonOption())
    .addOption(nowOption())
    .action(async (flags: CleanupFlags) => {
      const { runCleanup, formatCleanupReport } = await import("../../ops/index.js");
      const report = await runCleanup(await session.context(), { dryRun: flags.dryRun ?? false, now: flags.now });
      session.io.out(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatCleanupReport(report));
      session.exitCode = exitCodes.ok;
    });
}
