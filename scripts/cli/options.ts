import { parseArgs } from "node:util";

export interface CliOptions {
  collection?: string[];
  dryRun: boolean;
  now?: Date;
  backfill: boolean;
  days?: number;
  from?: string;
  to?: string;
  rescoreOnly: boolean;
  repairWatermark: boolean;
  status: boolean;
  help: boolean;
}

export const usage = `usage: npm run etl -- [options]
  (no options)             run every collection once (the hourly job)
  --collection <name>      only this collection (repeatable)
  --dry-run                extract and count, write nothing
  --backfill               rebuild history day by day (see README "Backfill")
    --days <n>             how many days back (default 90)
    --from <YYYY-MM-DD> --to <YYYY-MM-DD>   or an explicit UTC date range
    --rescore-only         rewrite curated files only (new quality_version)
    --repair-watermark     also move a watermark that ran ahead back to the data
  --status                 table of collections: last run, documents, lag, outcome`;

export function parseCliOptions(argv: string[]): CliOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      collection: { type: "string", multiple: true },
      "dry-run": { type: "boolean", default: false },
      now: { type: "string" }, // ISO instant; pins the clock for tests and replays
      backfill: { type: "boolean", default: false },
      days: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      "rescore-only": { type: "boolean", default: false },
      "repair-watermark": { type: "boolean", default: false },
      status: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  const now = values.now ? new Date(values.now) : undefined;
  if (now && Number.isNaN(now.getTime())) throw new Error(`--now "${values.now}" is not an ISO date-time`);
  const days = values.days === undefined ? undefined : Number(values.days);
  if (days !== undefined && !(Number.isInteger(days) && days > 0)) throw new Error(`--days "${values.days}" must be a positive whole number`);
  return {
    collection: values.collection,
    dryRun: values["dry-run"],
    now,
    backfill: values.backfill,
    days,
    from: values.from,
    to: values.to,
    rescoreOnly: values["rescore-only"],
    repairWatermark: values["repair-watermark"],
    status: values.status,
    help: values.help,
  };
}
