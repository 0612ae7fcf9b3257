import { collections, getCollection } from "../../lib/collections/index.js";
import type { EtlContext } from "../../lib/pipeline/context.js";
import { runEtl } from "../../lib/pipeline/run-etl.js";
import type { CliOptions } from "./options.js";

/** `npm run etl [-- --collection X] [--dry-run]`: the hourly job once, in-process. */
export async function runCommand(ctx: EtlContext, options: CliOptions): Promise<number> {
  const specs = options.collection?.map(getCollection) ?? collections;
  const result = await runEtl(ctx, { collections: specs, dryRun: options.dryRun, now: options.now });
  return result.failed.length > 0 ? 1 : 0;
}
