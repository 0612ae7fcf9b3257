import type { Command } from "commander";
import type { CliSession } from "../context.js";
import { UsageError } from "../errors.js";
import { exitCodes } from "../io.js";
import { jsonOption, nowOption } from "../options.js";

export interface EraseFlags {
  user: string;
  reason?: string;
  force?: boolean;
  json?: boolean;
  now?: Date;
}

/**
 * `etl erase --user <id>`: remove every row of one student from raw, curated and quarantine, audited
 * (lib/changes/erasure.ts, the same functions POST /api/erasure uses). Refuses an id no profile
 * has unless --force. Prints the audit record: partitions and row counts, no student text.
 */
export function registerErase(parent: Command, session: CliSession): void {
  parent
    .command("erase")
    .description("remove every row of one student from every zone, with an audit record")
    .requiredOption("--user <id>", "the student's profile id (ObjectId hex)")
    .option("--reason <text>", "why (a ticket reference; stored in the audit, never student text)", "requested via CLI")
    .option("--force", "erase even when no profile has this id (already deleted from MongoDB)")
    .addOption(jsonOption())
    .addOption(nowOption())
    .action(async (flags: EraseFlags) => {
      const { acceptErasure, erasureRequestSchema, runErasure, UnknownPersonError } = await import("../../changes/erasure.js");
      const parsed = erasureRequestSchema.safeParse({ userId: flags.user, reason: flags.reason, force: flags.force });
      if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("; "));
      const ctx = await session.context();
      let accepted;
      try {
        accepted = await acceptErasure(ctx, parsed.data, flags.now);
      } catch (err) {
        if (err instanceof UnknownPersonError) throw new UsageError(err.message);
        throw err;
      }
      const done = await runErasure(ctx, accepted.key);
      const rows = done.partitions.reduce((n, p) => n + p.raw + p.curated + p.quarantine, 0);
      session.io.out(
        flags.json
          ? `${JSON.stringify(done, null, 2)}\n`
          : `erasure ${done.key}: ${done.status}, ${rows} rows removed from ${done.partitions.length} partitions\n` +
              done.partitions.map((p) => `  ${p.collection} ${p.day}: raw ${p.raw}, curated ${p.curated}, quarantine ${p.quarantine}\n`).join(""),
      );
      session.exitCode = exitCodes.ok;
    });
}
