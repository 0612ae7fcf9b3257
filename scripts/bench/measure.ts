import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** What one child process cost, as the kernel counted it (GNU time), process start included. */
export interface ChildCost {
  wallS: number;
  userS: number;
  sysS: number;
  cpuS: number;
  /** Peak resident set (max RSS), MB. */
  peakMb: number;
  stdout: string;
}

/** Runs `node <args>` under /usr/bin/time; fails, with its stderr, when the child fails. */
export async function measureNode(args: string[], env: NodeJS.ProcessEnv): Promise<ChildCost> {
  const dir = mkdtempSync(join(tmpdir(), "bench-time-"));
  const timeFile = join(dir, "time.txt");
  try {
    const child = spawn("/usr/bin/time", ["-f", "%e %U %S %M", "-o", timeFile, process.execPath, ...args], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    if (code !== 0) throw new Error(`node ${args.join(" ")} exited with ${code}:\n${stderr.slice(-4000)}`);
    const [wallS, userS, sysS, maxKb] = readFileSync(timeFile, "utf8").trim().split(/\s+/).slice(-4).map(Number) as [number, number, number, number];
    return { wallS, userS, sysS, cpuS: userS + sysS, peakMb: maxKb / 1024, stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** CPU-seconds per 10,000 documents. */
export const cpuPer10k = (cost: Pick<ChildCost, "cpuS">, docs: number) => (cost.cpuS * 10_000) / docs;
