import type { Command } from "commander";
import type { CliSession } from "../context.js";
import { NotAvailableError } from "../errors.js";
import { collectionOption, daysOption, jsonOption, nowOption, type CommonFlags } from "../options.js";

export interface ReportFlags extends CommonFlags {
  days?: number;
  html?: string;
}

/** `etl report [--days N] [--json] [--html FILE]`: the data-quality report (volume, completeness, validity, …). */
export function registerReport(parent: Command, session: CliSession): void {
  parent
    .command("report")
    .description("data-quality report: volume, completeness, validity, timeliness, uniqueness, quality scores")
    .addOption(daysOption("how many days back, today included (default 7)"))
    .addOption(collectionOption())
    .addOption(jsonOption())
    .option("--html <file>", "also write a self-contained HTML page with SVG charts to <file>")
    .addOption(nowOption())
    .action(async (_flags: ReportFlags) => {
      void session;
      throw new NotAvailableError("report", "the data-quality report (issue 12, item 4)");
    });
}
