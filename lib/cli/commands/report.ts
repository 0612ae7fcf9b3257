import { writeFile } from "node:fs/promises";
import type { Command } from "commander";
import type { CliSession } from "../context.js";
import { collectionOption, daysOption, jsonOption, nowOption, type CommonFlags } from "../options.js";

export interface ReportFlags extends CommonFlags {
  days?: number;
  html?: string;
}

/**
 * `etl report [--days N] [--collection X] [--json] [--html FILE]`: the data-quality report (lib/ops/report.ts).
 * Exit code 1 when it holds an error or a critical finding, so a scheduled job can alert on it.
 */
export function registerReport(parent: Command, session: CliSession): void {
  parent
    .command("report")
    .description("data-quality report: volume, completeness, validity, timeliness, uniqueness, quality scores (exit 1 on error or critical)")
    .addOption(daysOption("how many days back, today included (default 7)"))
    .addOption(collectionOption())
    .addOption(jsonOption())
    .option("--html <file>", "also write a self-contained HTML page with SVG charts to <file>")
    .addOption(nowOption())
    .action(async (flags: ReportFlags) => {
      const { buildReport, formatReportText, renderReportHtml, reportExitCode } = await import("../../ops/index.js");
      const report = await buildReport(await session.context(), { days: flags.days, collections: flags.collection, now: flags.now });
      if (flags.html) await writeFile(flags.html, renderReportHtml(report));
      session.io.out(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatReportText(report));
      if (flags.html && !flags.json) session.io.out(`HTML report written to ${flags.html}\n`);
      session.exitCode = reportExitCode(report);
    });
}
