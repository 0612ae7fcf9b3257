import type { Db } from "mongodb";
import type { Config } from "../config.js";
import { getMongoClient } from "../extract/mongo-client.js";
import type { Logger } from "../log.js";
import { ensureStorage } from "../state/ensure-storage.js";
import { createStorageClients, type StorageClients } from "../storage/clients.js";

/** What every stage needs, built once per process and shared by functions, CLI, tests and benchmarks. */
export interface EtlContext {
  config: Config;
  storage: StorageClients;
  db(): Promise<Db>;
  log: Logger;
}

const prepared = new WeakMap<Config, { storage: StorageClients; ready: Promise<void> }>();

export async function createEtlContext(config: Config, log: Logger): Promise<EtlContext> {
  let entry = prepared.get(config);
  if (!entry) {
    const storage = createStorageClients(config);
    const ready = ensureStorage(config, storage);
    entry = { storage, ready };
    prepared.set(config, entry);
    ready.catch(() => prepared.delete(config));
  }
  await entry.ready.catch((err: unknown) => {
    throw new Error(`Storage is not reachable or not set up: ${err instanceof Error ? err.message : String(err)}. ` +
      "Check LAKE_STORAGE / STATE_STORAGE and the identity's data-plane roles.");
  });
  return {
    config,
    storage: entry.storage,
    db: async () => (await getMongoClient(config)).db(config.mongo.database),
    log,
  };
}
