import type { EtlContext } from "../../lib/pipeline/context.js";
import type { CliOptions } from "./options.js";

/** `npm run etl -- --status` — filled in by the monitoring issue. */
export async function statusCommand(ctx: EtlContext, _options: CliOptions): Promise<number> {
  ctx.log.error("--status is not implemented yet");
  return 2;
}
