/**
 * Operator CLI, the same code path as the timer functions:
 *   npm run etl                          all collections once
 *   npm run etl -- --collection messages one collection (repeatable)
 *   npm run etl -- --dry-run             extract and count, write nothing
 */
import { parseArgs } from "node:util";
import { collections, getCollection } from "../lib/collections/index.js";
import { ConfigError, loadConfig } from "../lib/config.js";
import { closeMongoClients } from "../lib/extract/mongo-client.js";
import { consoleSink, createLogger } from "../lib/log.js";
import { createEtlContext } from "../lib/pipeline/context.js";
import { runEtl } from "../lib/pipeline/run-etl.js";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      collection: { type: "string", multiple: true },
      "dry-run": { type: "boolean", default: false },
      now: { type: "string" }, // ISO instant; lets tests and replays pin the clock
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log("usage: npm run etl -- [--collection <name>]... [--dry-run]");
    return 0;
  }
  const config = loadConfig();
  const log = createLogger(consoleSink());
  const specs = values.collection?.map(getCollection) ?? collections;
  const now = values.now ? new Date(values.now) : undefined;
  if (now && Number.isNaN(now.getTime())) throw new Error(`--now "${values.now}" is not an ISO date`);
  const ctx = await createEtlContext(config, log);
  const result = await runEtl(ctx, { collections: specs, dryRun: values["dry-run"], now });
  return result.failed.length > 0 ? 1 : 0;
}

main()
  .then(async (code) => {
    await closeMongoClients();
    process.exit(code);
  })
  .catch(async (err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : `ETL failed: ${err instanceof Error ? err.message : String(err)}`);
    await closeMongoClients();
    process.exit(2);
  });
