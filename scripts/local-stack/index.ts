import { startAzurite } from "./azurite.js";
import { startMongo } from "./mongo.js";

export interface LocalStack {
  mongoUri: string;
  mongoKind: string;
  storageConnectionString: string;
  stop(): Promise<void>;
}

/** Azurite + a MongoDB-wire server, real processes on free loopback ports. */
export async function startLocalStack(): Promise<LocalStack> {
  const [azurite, mongo] = await startTogether(startAzurite(), startMongo());
  return {
    mongoUri: mongo.uri,
    mongoKind: mongo.kind,
    storageConnectionString: azurite.connectionString,
    stop: async () => {
      await Promise.all([azurite.stop(), mongo.stop()]);
    },
  };
}

/** Environment for the app pointing at the stack. */
export function stackEnv(stack: Pick<LocalStack, "mongoUri" | "storageConnectionString">, extra: Record<string, string> = {}): Record<string, string> {
  return {
    MONGODB_URI: stack.mongoUri,
    LAKE_STORAGE: stack.storageConnectionString,
    STATE_STORAGE: stack.storageConnectionString,
    ...extra,
  };
}

/**
 * Servers started at once. If one fails, the ones that started are stopped before the error is
 * thrown: Promise.all would leave them running, orphaned, after the caller exits.
 */
export async function startTogether<T extends readonly Promise<{ stop(): Promise<void> }>[]>(...starts: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const results = await Promise.allSettled(starts);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) {
    await Promise.allSettled(results.flatMap((r) => (r.status === "fulfilled" ? [r.value.stop()] : [])));
    throw failed.reason;
  }
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}
