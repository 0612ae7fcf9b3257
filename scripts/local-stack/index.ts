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
  const [azurite, mongo] = await Promise.all([startAzurite(), startMongo()]);
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
