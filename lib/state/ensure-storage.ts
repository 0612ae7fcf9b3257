import type { Config } from "../config.js";
import type { StorageClients } from "../storage/clients.js";

/**
 * Creates the containers, tables and queues (with their poison queues) the app uses when missing. In Azure, Bicep creates them
 * and this is a no-op; locally it makes a fresh Azurite usable.
 */
export async function ensureStorage(config: Config, clients: StorageClients): Promise<void> {
  const { raw, curated, quarantine, locks } = config.containers;
  await Promise.all([
    ...[raw, curated, quarantine].map((c) => clients.lake.getContainerClient(c).createIfNotExists()),
    clients.stateBlobs.getContainerClient(locks).createIfNotExists(),
    ...Object.values(config.tables).map((t) => createTable(clients, t)),
    ...Object.values(config.queues).flatMap((q) => [clients.queue(q).createIfNotExists(), clients.queue(`${q}-poison`).createIfNotExists()]),
  ]);
}

async function createTable(clients: StorageClients, name: string): Promise<void> {
  await clients.table(name).createTable(); // no-op when it exists
}
