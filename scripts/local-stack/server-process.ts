import { spawn, type ChildProcess } from "node:child_process";
import { waitForPort } from "./ports.js";

export interface ServerSpec {
  /** What the server is, for messages ("FerretDB", "Azurite"). */
  what: string;
  command: string;
  args: string[];
  /** Loopback ports the server must listen on before it counts as started. */
  ports: number[];
  timeoutMs?: number;
}

const TAIL_BYTES = 4096;

/**
 * Spawns a server and resolves once it listens on every port. A server that exits (or cannot be
 * spawned) before that rejects at once with its exit code and the last lines of its stderr, instead
 * of a "did not listen" timeout half a minute later. Stderr is still passed through to ours.
 */
export async function startServer(spec: ServerSpec): Promise<ChildProcess> {
  const child = spawn(spec.command, spec.args, { stdio: ["ignore", "ignore", "pipe"] });
  let tail = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    process.stderr.write(chunk);
    tail = (tail + chunk.toString("utf8")).slice(-TAIL_BYTES);
  });
  let ready = false;
  const died = new Promise<never>((_, reject) => {
    const fail = (how: string) => {
      if (ready) return;
      const lines = tail.trimEnd().split("\n").slice(-10).join("\n  ");
      reject(new Error(`${spec.what} ${how} before listening on 127.0.0.1:${spec.ports.join(",")}` +
        (lines ? `; its last stderr lines:\n  ${lines}` : "; it wrote nothing to stderr")));
    };
    child.once("error", (err) => fail(`could not be started (${err.message})`));
    // "close" waits for stderr to drain, so the tail is complete.
    child.once("close", (code, signal) => fail(signal ? `was killed by ${signal}` : `exited with code ${code}`));
  });
  try {
    await Promise.race([
      Promise.all(spec.ports.map((port) => waitForPort(port, spec.timeoutMs ?? 30_000, spec.what))),
      died,
    ]);
    ready = true;
    return child;
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  }
}

/** Stops a server: SIGTERM, then SIGKILL after five seconds. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 5000).unref();
  });
}
