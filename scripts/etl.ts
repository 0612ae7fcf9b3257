/**
 * Operator CLI, the same code path as the Functions host. See `npm run etl -- --help`.
 */
import { getCollection } from "../lib/collections/index.js";
import { ConfigError, loadConfig } from "../lib/config.js";
import { closeMongoClients } from "../lib/extract/mongo-client.js";
import { consoleSink, createLogger } from "../lib/log.js";
import { createEtlContext } from "../lib/pipeline/context.js";
import { backfillCommand } from "./cli/backfill.js";
import { parseCliOptions, usage } from "./cli/options.js";
import { runCommand } from "./cli/run.js";
import { statusCommand } from "./cli/status.js";

async function main(): Promise<number> {
  const options = parseCliOptions(process.argv.slice(2));
  if (options.help) {
    console.log(usage);
    return 0;
  }
  options.collection?.forEach(getCollection); // unknown names fail before anything connects
  const config = loadConfig();
  const ctx = await createEtlContext(config, createLogger(consoleSink()));
  if (options.status) return statusCommand(ctx, options);
  if (options.backfill) return backfillCommand(ctx, options);
  return runCommand(ctx, options);
}

main()
  .catch((err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : `ETL failed: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  })
  .then(async (code) => {
    await closeMongoClients();
    process.exit(code);
  });
