import type { Command } from "commander";
import { getCollection } from "../../collections/index.js";
import type { CliSession } from "../context.js";
import { exitCodes } from "../io.js";
import { collectionOption, jsonOption, nowOption, type CommonFlags } from "../options.js";

/**
 * `etl status [--collection X] [--json]`: the health endpoint's picture as a table. Exit code 0
 * when every collection is fresh, 1 when any is stale (usable from scripts and cron).
 */
export function registerStatus(parent: Command, session: CliSession): void {
  parent
    .command("status")
    .description("last run, documents, lag and outcome per collection (exit 1 when any is stale)")
    .addOption(collectionOption())
    .addOption(jsonOption())
    .addOption(nowOption())
    .action(async (flags: CommonFlags) => {
      const { checkHealth, formatStatusTable } = await import("../../health/index.js");
      const ctx = await session.context();
      const only = flags.collection?.map((name) => getCollection(name).name);
      const report = await checkHealth(ctx, { now: flags.now, collections: only });
      session.io.out(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatStatusTable(report));
      session.exitCode = report.status === "healthy" ? exitCodes.ok : exitCodes.findings;
    });
}
