import type { Command } from "commander";
import type { CliSession } from "../context.js";
import { getCollection } from "../../collections/index.js";
import { exitCodes } from "../io.js";
import { collectionOption, daysOption, jsonOption, nowOption, type CommonFlags } from "../options.js";

export interface ReconcileFlags extends CommonFlags {
  days?: number;
}

/**
 * `etl reconcile [--days N] [--collection X]`: compare MongoDB's live ids per (collection, day) with
 * curated and repair the drift (lib/changes/reconcile.ts); print the table (or JSON); exit 1 when
 * drift was found (and repaired), 0 when the lake matched.
 */
export function registerReconcile(parent: Command, session: CliSession): void {
  parent
    .command("reconcile")
    .description("compare MongoDB's live ids with curated per day and repair drift (exit 1 when drift was found)")
    .addOption(daysOption("how many days back, today included (default 7)"))
    .addOption(collectionOption())
    .addOption(jsonOption())
    .addOption(nowOption())
    .action(async (flags: ReconcileFlags) => {
      const { reconcile, driftTable } = await import("../../changes/reconcile.js");
      const ctx = await session.context();
      const result = await reconcile(ctx, { days: flags.days, collections: flags.collection?.map(getCollection), now: flags.now });
      session.io.out(flags.json ? `${JSON.stringify(result, null, 2)}\n` : `${driftTable(result)}\n`);
      session.exitCode = result.drift ? exitCodes.findings : exitCodes.ok;
    });
}
