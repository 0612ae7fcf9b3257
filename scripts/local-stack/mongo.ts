import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./ports.js";
import { startServer, stopChild } from "./server-process.js";

export interface MongoHandle {
  uri: string;
  /** Which server this is, for the harness to say. */
  kind: "MONGODB_URI" | "FerretDB" | "mongodb-memory-server";
  stop(): Promise<void>;
}

const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const ferretBin = join(root, ".tools", "bin", "ferretdb");

function hasGo(): boolean {
  return spawnSync("go", ["version"], { stdio: "ignore" }).status === 0;
}

/** MONGODB_URI when set; else FerretDB v1 (built with Go on first use); else mongodb-memory-server. */
export async function startMongo(env: NodeJS.ProcessEnv = process.env): Promise<MongoHandle> {
  if (env.MONGODB_URI) return { uri: env.MONGODB_URI, kind: "MONGODB_URI", stop: async () => undefined };
  if (hasGo()) {
    // Builds on first use, and proves a cached binary still starts (rebuilding it when not).
    const build = spawnSync("bash", [join(root, "scripts", "setup-ferretdb.sh")], { stdio: "inherit" });
    if (build.status !== 0) throw new Error("Building FerretDB failed: see the output above, or set MONGODB_URI");
  }
  if (existsSync(ferretBin)) return startFerret();
  const { MongoMemoryServer } = await import("mongodb-memory-server-core");
  const server = await MongoMemoryServer.create();
  return { uri: server.getUri(), kind: "mongodb-memory-server", stop: async () => void (await server.stop()) };
}

async function startFerret(): Promise<MongoHandle> {
  const dir = mkdtempSync(join(tmpdir(), "ferretdb-"));
  const port = await freePort();
  const child = await startServer({
    what: "FerretDB",
    command: ferretBin,
    args: [
      "--handler=sqlite",
      `--sqlite-url=file:${dir}/`,
      `--state-dir=${dir}`,
      `--listen-addr=127.0.0.1:${port}`,
      "--telemetry=disable",
      "--debug-addr=-",
      "--log-level=error",
    ],
    ports: [port],
  }).catch((err: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    kind: "FerretDB",
    stop: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
