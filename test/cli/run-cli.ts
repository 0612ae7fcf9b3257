import { runCli } from "../../lib/cli/index.js";
import { formatLine, memorySink } from "../../lib/log.js";

export interface CliResult {
  code: number;
  /** What the command printed as its result (stdout). */
  out: string;
  /** Diagnostics (stderr) followed by the pipeline's log lines. */
  err: string;
}

/** Runs the CLI in-process, the same code path as the bin, with `env` as its environment. */
export async function runCliWith(env: Record<string, string>, args: string[]): Promise<CliResult> {
  let out = "";
  let err = "";
  const log = memorySink();
  const code = await runCli(args, { out: (t) => void (out += t), err: (t) => void (err += t), log, env: { ...env } });
  return { code, out, err: err + log.records.map((r) => `${formatLine(r)}\n`).join("") };
}
