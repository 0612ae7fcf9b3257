import type { Config } from "../config.js";
import type { StorageClients } from "../storage/clients.js";

/**
 * Creates the containers, tables and queue the app uses when missing. In Azure, Bicep creates them
 * and this is a no-op; locally it makes a fresh Azurite usable.
 */
export async function ensureStorage(config: Config, clients: StorageClients): Promise<void> {
  const { raw, curated, quarantine, locks } = config.containers;
  await Promise.all([
    ...[raw, curated, quarantine].map((c) => clients.lake.getContainerClient(c).createIfNotExists()),
    clients.stateBlobs.getContainerClient(locks).createIfNotExists(),
    ...Object.values(config.tables).map((t) => createTable(clients, t)),
    clients.queue(config.queues.backfill).createIfNotExists(),
    clients.queue(`${config.queues.backfill}-poison`).createIfNotExists(),
  ]);
}

async function createTable(clients: StorageClients, name: string): Promise<void> {
  await clients.table(name).createTable(); // no-op when it exists
}
