import type { Command } from "commander";
import type { CliSession } from "../context.js";
import { NotAvailableError } from "../errors.js";
import { collectionOption, jsonOption, type CommonFlags } from "../options.js";

/** `etl summary [--collection X] [--json]`: per collection and zone, days, files, bytes, rows, small files. */
export function registerSummary(parent: Command, session: CliSession): void {
  parent
    .command("summary")
    .description("per collection and zone: days, files, bytes, rows, small files per day, oldest and newest day")
    .addOption(collectionOption())
    .addOption(jsonOption())
    .action(async (_flags: CommonFlags) => {
      void session;
      throw new NotAvailableError("summary", "the lake summary (issue 12, item 3)");
    });
}
