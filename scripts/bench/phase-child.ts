import { spawn } from "node:child_process";

/**
 * Benches that measure one step in a process of its own (so its peak RSS is that step's): the
 * script runs itself again with `--phase <name>`; the child prints its result, with the kernel's
 * peak RSS added, as its last stdout line.
 */

/** `--name value` from the command line, else the fallback. */
export const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};

/** A phase's result with the child's peak RSS. */
export type Measured<T> = T & { maxRssBytes: number };

/** Runs `script` as a child with `--phase name` and resolves the JSON of its last stdout line. */
export function runPhaseChild<T>(script: string, name: string, env: Record<string, string>, args: readonly string[] = [], nodeFlags: readonly string[] = []): Promise<Measured<T>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, ...process.execArgv, script, "--phase", name, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.once("error", reject);
    child.once("close", (code) => {
      const line = out.trim().split("\n").at(-1) ?? "";
      if (code !== 0 || !line.startsWith("{")) reject(new Error(`phase ${name} exited ${code}: ${out.slice(-2000)}`));
      else resolve(JSON.parse(line) as Measured<T>);
    });
  });
}

/** The child's side: prints the result with this process's peak RSS (the kernel's figure). */
export function reportPhase(result: object): void {
  process.stdout.write(`${JSON.stringify({ ...result, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
}

/** The script's entry: the named phase when run as a child, else `main`. */
export function runMainOrPhase(main: () => Promise<void>, phase: (name: string) => Promise<void>): void {
  const which = arg("phase", "");
  (which ? phase(which) : main()).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
