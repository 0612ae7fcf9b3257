import type { EtlContext } from "../../lib/pipeline/context.js";
import type { CliOptions } from "./options.js";

/** `npm run etl -- --backfill …` — filled in by the backfill issue. */
export async function backfillCommand(ctx: EtlContext, _options: CliOptions): Promise<number> {
  ctx.log.error("--backfill is not implemented yet");
  return 2;
}
