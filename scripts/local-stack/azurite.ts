import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { freePort, waitForPort } from "./ports.js";

export interface AzuriteHandle {
  connectionString: string;
  stop(): Promise<void>;
}

// Azurite's well-known development account (public, documented; not a secret).
const ACCOUNT = "devstoreaccount1";
const KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

function azuriteBin(): string {
  // require('azurite') fails (its main is the VS Code extension); resolve the package folder instead.
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("azurite/package.json")), "dist", "src", "azurite.js");
}

/** Starts Azurite (blob, queue, table) in memory on free ports. */
export async function startAzurite(): Promise<AzuriteHandle> {
  const [blob, queue, table] = [await freePort(), await freePort(), await freePort()];
  const child: ChildProcess = spawn(
    process.execPath,
    [
      azuriteBin(),
      "--inMemoryPersistence",
      "--disableTelemetry",
      "--skipApiVersionCheck",
      "--silent",
      "--blobPort", String(blob),
      "--queuePort", String(queue),
      "--tablePort", String(table),
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  await Promise.all([
    waitForPort(blob, 30_000, "Azurite blob"),
    waitForPort(queue, 30_000, "Azurite queue"),
    waitForPort(table, 30_000, "Azurite table"),
  ]);
  const connectionString =
    `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};` +
    `BlobEndpoint=http://127.0.0.1:${blob}/${ACCOUNT};QueueEndpoint=http://127.0.0.1:${queue}/${ACCOUNT};` +
    `TableEndpoint=http://127.0.0.1:${table}/${ACCOUNT};`;
  return { connectionString, stop: () => stopChild(child) };
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 5000).unref();
  });
}
