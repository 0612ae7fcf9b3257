import { collectionNames } from "../collections/index.js";
import type { Config } from "../config.js";
import { RunHistory } from "../state/run-history.js";
import { WatermarkStore } from "../state/watermarks.js";
import type { StorageClients } from "../storage/clients.js";
import { assessCollection, type CollectionHealth } from "./collection-health.js";

export interface HealthReport {
  /** healthy: every collection is fresh; stale: at least one is behind (listed in `stale`). */
  status: "healthy" | "stale";
  checkedAt: string;
  maxLagMinutes: number;
  stale: string[];
  collections: CollectionHealth[];
}

export interface HealthOptions {
  now?: Date;
  /** Only these collections (default: all). */
  collections?: readonly string[];
}

/**
 * Reads the watermark table and the run history (Table Storage only: a MongoDB outage shows as
 * stale collections and failed runs, not as a broken health check). Four small queries per
 * collection at most, all newest-first partition reads.
 */
export async function checkHealth(deps: { config: Config; storage: StorageClients }, options: HealthOptions = {}): Promise<HealthReport> {
  const { config, storage } = deps;
  const now = options.now ?? new Date();
  const names = options.collections ?? collectionNames;
  const history = new RunHistory(storage.table(config.tables.runs));
  const watermarks = new Map((await new WatermarkStore(storage.table(config.tables.watermarks)).list()).map((w) => [w.collection, w]));

  const collections = await Promise.all(
    names.map(async (collection) => {
      const [lastRun, lastSuccess, lastFailure] = await Promise.all([
        history.latest(collection, 1).then((runs) => runs[0]),
        history.lastWithOutcome(collection, "success"),
        history.lastWithOutcome(collection, "failed"),
      ]);
      return assessCollection({ collection, watermark: watermarks.get(collection), lastRun, lastSuccess, lastFailure }, now, config.health.maxLagMinutes);
    }),
  );
  const stale = collections.filter((c) => c.status === "stale").map((c) => c.collection);
  return {
    status: stale.length === 0 ? "healthy" : "stale",
    checkedAt: now.toISOString(),
    maxLagMinutes: config.health.maxLagMinutes,
    stale,
    collections,
  };
}
