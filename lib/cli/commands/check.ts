import type { Command } from "commander";
import type { CliSession } from "../context.js";
import { NotAvailableError } from "../errors.js";
import { collectionOption, jsonOption, type CommonFlags } from "../options.js";

/**
 * `etl check [--collection X] [--json]`: MongoDB reachable and readable, the cursors' indexes present,
 * each container, table and queue reachable with the right permission, egress IP, telemetry. One
 * line per check; exit code by the worst (0 ok, 1 warn or fail).
 */
export function registerCheck(parent: Command, session: CliSession): void {
  parent
    .command("check")
    .description("test connections, permissions, indexes, egress IP and telemetry (exit 1 on any warn or fail)")
    .addOption(collectionOption())
    .addOption(jsonOption())
    .action(async (_flags: CommonFlags) => {
      void session;
      throw new NotAvailableError("check", "the lake checks (issue 12, item 2)");
    });
}
