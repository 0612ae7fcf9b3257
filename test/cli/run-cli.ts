import { spawn } from "node:child_process";
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

export interface CliProcessResult {
  code: number | null;
  /** Set when the process was killed (SIGKILL at an ETL_FAULT_CRASH_AT point). */
  signal: string | null;
  /** stdout and stderr, interleaved as they came. */
  output: string;
}

/**
 * Runs the CLI in a child process (`scripts/etl.ts`, the real entry point), with `env` over this
 * process's environment: killable at a named crash point, which the in-process runCliWith is not.
 */
export function runCliProcess(env: Record<string, string>, args: string[]): Promise<CliProcessResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/etl.ts", ...args], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c) => (output += c));
    child.stderr.on("data", (c) => (output += c));
    child.on("exit", (code, signal) => resolve({ code, signal, output }));
  });
}
