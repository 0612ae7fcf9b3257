import { MongoClient } from "mongodb";
import type { Config } from "../config.js";
import { ferretDbV1TypeAliases, limitTypeAliases } from "./id-order.js";
import { mongoHosts, registerConnectionSecrets } from "../telemetry/redact.js";
import { errorText } from "../telemetry/error-text.js";

/** One MongoClient per process, reused across function invocations (its pool is the expensive part). */
const clients = new Map<string, Promise<MongoClient>>();

export function getMongoClient(config: Config): Promise<MongoClient> {
  let client = clients.get(config.mongo.uri);
  if (!client) {
    registerConnectionSecrets(config.mongo.uri); // whatever the driver echoes of it is replaced
    // A timeout given in the URI wins over the default.
    const timeout = /[?&]serverSelectionTimeoutMS=/i.test(config.mongo.uri) ? {} : { serverSelectionTimeoutMS: 15_000 };
    client = new MongoClient(config.mongo.uri, { appName: "campus-analytics-etl", retryReads: true, ...timeout })
      .connect()
      .then(async (connected) => {
        await adaptToServer(connected);
        return connected;
      })
      .catch((err: unknown) => {
        clients.delete(config.mongo.uri);
        throw new Error(`MongoDB connection failed (${redactedHost(config.mongo.uri)}): ${errorText(err)}. ` +
          "Check MONGODB_URI and that this app's egress IP is on the Atlas allow-list.");
      });
    clients.set(config.mongo.uri, client);
  }
  return client;
}

/** FerretDB speaks the wire protocol but not every `$type` alias (lib/extract/id-order.ts). */
async function adaptToServer(client: MongoClient): Promise<void> {
  const info = await client.db("admin").command({ buildInfo: 1 });
  limitTypeAliases(typeof info.ferretdbVersion === "string" ? ferretDbV1TypeAliases : undefined);
}

export async function closeMongoClients(): Promise<void> {
  const all = [...clients.values()];
  clients.clear();
  await Promise.allSettled(all.map(async (c) => (await c).close()));
}

/**
 * The hosts of a Mongo URI, for error messages, from the driver's own parser. A URI it cannot
 * parse (an unencoded `@` in the password) names no host: guessing where the password ends is how
 * one leaked.
 */
export function redactedHost(uri: string): string {
  return mongoHosts(uri)?.join(",") ?? "MongoDB (MONGODB_URI does not parse: percent-encode @ : / ? in the user name and password)";
}
