import { Option, type Command } from "commander";
import { collections, getCollection } from "../../collections/index.js";
import type { CliSession } from "../context.js";
import { UsageError } from "../errors.js";
import { exitCodes } from "../io.js";
import { collectionOption, nowOption, type CommonFlags } from "../options.js";

interface RunFlags extends CommonFlags {
  dryRun?: boolean;
  backfill?: boolean;
  status?: boolean;
}

/** `etl [run] [--collection X] [--dry-run]`: the hourly job once, in-process. The default command. */
export function registerRun(parent: Command, session: CliSession): void {
  parent
    .command("run")
    .description("run every collection once, the hourly job (the default command)")
    .addOption(collectionOption())
    .option("--dry-run", "extract and count, write nothing")
    .addOption(nowOption())
    // The flags of the one-command CLI, kept only to point to their commands.
    .addOption(new Option("--backfill").hideHelp())
    .addOption(new Option("--status").hideHelp())
    .action(async (flags: RunFlags) => {
      if (flags.backfill) throw new UsageError("--backfill is now a command: etl backfill [--days N | --from D --to D] …");
      if (flags.status) throw new UsageError("--status is now a command: etl status [--collection X] [--json]");
      const { runEtl } = await import("../../pipeline/run-etl.js");
      const ctx = await session.context();
      const specs = flags.collection?.map(getCollection) ?? collections;
      const result = await runEtl(ctx, { collections: specs, dryRun: flags.dryRun ?? false, now: flags.now });
      session.exitCode = result.failed.length > 0 || result.changesFailed.length > 0 ? exitCodes.findings : exitCodes.ok;
    });
}
