import type { Command } from "commander";
import type { CliSession } from "../context.js";
import { NotAvailableError } from "../errors.js";
import { collectionOption, daysOption, jsonOption, nowOption, type CommonFlags } from "../options.js";

export interface ReconcileFlags extends CommonFlags {
  days?: number;
}

/**
 * `etl reconcile [--days N] [--collection X]`: compare MongoDB's live ids per (collection, day) with
 * curated and repair the drift (issue 11). Plug point: replace the action body with a call into
 * lib/changes/, print its table (or JSON), exit 1 when drift was found, 0 when the lake matched.
 */
export function registerReconcile(parent: Command, session: CliSession): void {
  parent
    .command("reconcile")
    .description("compare MongoDB's live ids with curated per day and repair drift (exit 1 when drift was found)")
    .addOption(daysOption("how many days back, today included (default 7)"))
    .addOption(collectionOption())
    .addOption(jsonOption())
    .addOption(nowOption())
    .action(async (_flags: ReconcileFlags) => {
      void session;
      throw new NotAvailableError("reconcile", "change capture (issue 11)");
    });
}
