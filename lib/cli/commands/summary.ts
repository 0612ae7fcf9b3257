import type { Command } from "commander";
import type { CliSession } from "../context.js";
import { exitCodes } from "../io.js";
import { collectionOption, jsonOption, type CommonFlags } from "../options.js";

/** `etl summary [--collection X] [--json]`: per collection and zone, days, files, bytes, rows, small files (lib/ops/summary.ts). */
export function registerSummary(parent: Command, session: CliSession): void {
  parent
    .command("summary")
    .description("per collection and zone: days, files, bytes, rows, small files per day, oldest and newest day")
    .addOption(collectionOption())
    .addOption(jsonOption())
    .action(async (flags: CommonFlags) => {
      const { summariseLake, formatSummaryTable } = await import("../../ops/index.js");
      const zones = await summariseLake(await session.context(), { collections: flags.collection });
      session.io.out(flags.json ? `${JSON.stringify(zones, null, 2)}\n` : formatSummaryTable(zones));
      session.exitCode = exitCodes.ok;
    });
}
