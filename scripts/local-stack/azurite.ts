import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { freePort } from "./ports.js";
import { startServer, stopChild } from "./server-process.js";

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
  // Each port is free when asked, not reserved: two asks can return the same one (seen: blob = table).
  const picked = new Set<number>();
  while (picked.size < 3) picked.add(await freePort());
  const [blob, queue, table] = [...picked] as [number, number, number];
  const child = await startServer({
    what: "Azurite",
    command: process.execPath,
    args: [
      azuriteBin(),
      "--inMemoryPersistence",
      "--disableTelemetry",
      "--skipApiVersionCheck",
      "--silent",
      "--blobPort", String(blob),
      "--queuePort", String(queue),
      "--tablePort", String(table),
    ],
    ports: [blob, queue, table],
  });
  const connectionString =
    `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};` +
    `BlobEndpoint=http://127.0.0.1:${blob}/${ACCOUNT};QueueEndpoint=http://127.0.0.1:${queue}/${ACCOUNT};` +
    `TableEndpoint=http://127.0.0.1:${table}/${ACCOUNT};`;
  return { connectionString, stop: () => stopChild(child) };
}
