import type { Command } from "commander";
import type { CliSession } from "../context.js";
import { NotAvailableError } from "../errors.js";
import { nowOption } from "../options.js";

export interface EraseFlags {
  user: string;
  now?: Date;
}

/**
 * `etl erase --user <id>`: remove every row of one student from raw, curated and quarantine, audited
 * (issue 11). Plug point: replace the action body with a call into lib/changes/ (the same function
 * POST /api/erasure uses).
 */
export function registerErase(parent: Command, session: CliSession): void {
  parent
    .command("erase")
    .description("remove every row of one student from every zone, with an audit record")
    .requiredOption("--user <id>", "the student's profile id (ObjectId hex)")
    .addOption(nowOption())
    .action(async (_flags: EraseFlags) => {
      void session;
      throw new NotAvailableError("erase", "erasure (issue 11)");
    });
}
