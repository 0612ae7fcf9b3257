import { MongoClient } from "mongodb";
import type { Config } from "../config.js";
import { redactSecrets } from "../telemetry/redact.js";

/** One MongoClient per process, reused across function invocations (its pool is the expensive part). */
const clients = new Map<string, Promise<MongoClient>>();

export function getMongoClient(config: Config): Promise<MongoClient> {
  let client = clients.get(config.mongo.uri);
  if (!client) {
    // A timeout given in the URI wins over the default.
    const timeout = /[?&]serverSelectionTimeoutMS=/i.test(config.mongo.uri) ? {} : { serverSelectionTimeoutMS: 15_000 };
    client = new MongoClient(config.mongo.uri, { appName: "campus-analytics-etl", retryReads: true, ...timeout })
      .connect()
      .catch((err: unknown) => {
        clients.delete(config.mongo.uri);
        throw new Error(`MongoDB connection failed (${redactedHost(config.mongo.uri)}): ${errorText(err)}. ` +
          "Check MONGODB_URI and that this app's egress IP is on the Atlas allow-list.");
      });
    clients.set(config.mongo.uri, client);
  }
  return client;
}

export async function closeMongoClients(): Promise<void> {
  const all = [...clients.values()];
  clients.clear();
  await Promise.allSettled(all.map(async (c) => (await c).close()));
}

/** Host part of a Mongo URI, without user or password, for error messages. */
export function redactedHost(uri: string): string {
  const match = /^mongodb(?:\+srv)?:\/\/(?:[^@/]*@)?([^/?]+)/.exec(uri);
  return match?.[1] ?? "MongoDB";
}

// The driver can echo the URI; never let credentials through.
const errorText = (err: unknown) => redactSecrets(err instanceof Error ? err.message : String(err));
