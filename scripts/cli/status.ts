import { getCollection } from "../../lib/collections/index.js";
import { checkHealth, formatStatusTable } from "../../lib/health/index.js";
import type { EtlContext } from "../../lib/pipeline/context.js";
import type { CliOptions } from "./options.js";

/**
 * `npm run etl -- --status [--collection X]`: the health endpoint's picture as a table. Exit code
 * 0 when every collection is fresh, 1 when any is stale (usable from scripts and cron).
 */
export async function statusCommand(ctx: EtlContext, options: CliOptions, write: (text: string) => void = (t) => void process.stdout.write(t)): Promise<number> {
  const only = options.collection?.map((name) => getCollection(name).name);
  const report = await checkHealth(ctx, { now: options.now, collections: only });
  write(formatStatusTable(report));
  return report.status === "healthy" ? 0 : 1;
}
