import { TableClient } from "@azure/data-tables";
import type { TokenCredential } from "@azure/identity";
import { BlobServiceClient } from "@azure/storage-blob";
import { QueueClient } from "@azure/storage-queue";
import type { Config } from "../config.js";

/**
 * Storage clients built once from config: connection strings locally (Azurite), service URIs with
 * managed identity in Azure. No account keys ever reach app settings.
 */
export interface StorageClients {
  lake: BlobServiceClient;
  stateBlobs: BlobServiceClient;
  table(name: string): TableClient;
  queue(name: string): QueueClient;
}

let credential: TokenCredential | undefined;
function azureCredential(config: Config): TokenCredential {
  credential ??= deferredCredential(config.managedIdentityClientId);
  return credential;
}

/**
 * DefaultAzureCredential, imported when the first token is asked for: the identity library is the
 * heaviest import after the drivers, and with connection strings (local, CLI) no token ever is.
 */
function deferredCredential(managedIdentityClientId: string | undefined): TokenCredential {
  let real: Promise<TokenCredential> | undefined;
  return {
    getToken: async (scopes, options) => {
      real ??= import("@azure/identity").then(
        ({ DefaultAzureCredential }) => new DefaultAzureCredential(managedIdentityClientId ? { managedIdentityClientId } : {}),
      );
      real.catch(() => (real = undefined));
      return (await real).getToken(scopes, options);
    },
  };
}

// Azurite's well-known account is plain http; the SDK refuses table access over http by default.
const isLocal = (connectionString: string) => /UseDevelopmentStorage=true|127\.0\.0\.1|localhost/i.test(connectionString);

/**
 * Every blob and queue call is bounded: a try times out after a sixth of the lease and is tried
 * twice, so no call outlives the collection lease that protects it (the SDK's default try has no
 * timeout at all: a hung call would let a writer keep going after its lease expired).
 */
export function storageRetryOptions(config: Config) {
  const tryTimeoutInMs = Math.floor((config.etl.leaseSeconds * 1000) / 6);
  return { maxTries: 2, tryTimeoutInMs, retryDelayInMs: 200, maxRetryDelayInMs: 1000 };
}

/** Longest a bounded storage call can take, every try and delay included. */
export function storageCallBoundMs(config: Config): number {
  const r = storageRetryOptions(config);
  return r.maxTries * r.tryTimeoutInMs + r.maxRetryDelayInMs;
}

function fromConnectionString(setting: string, connectionString: string, config: Config): BlobServiceClient {
  try {
    return BlobServiceClient.fromConnectionString(connectionString, { retryOptions: storageRetryOptions(config) });
  } catch (err) {
    throw new Error(
      `${setting} is not a valid storage connection string (${err instanceof Error ? err.message : String(err)}); ` +
        "use the account's connection string, or UseDevelopmentStorage=true for Azurite",
    );
  }
}

export function createStorageClients(config: Config): StorageClients {
  const { lake, state } = config;
  const lakeClient = lake.connectionString
    ? fromConnectionString("LAKE_STORAGE", lake.connectionString, config)
    : new BlobServiceClient(lake.blobServiceUri!, azureCredential(config), { retryOptions: storageRetryOptions(config) });
  const stateBlobs = state.connectionString
    ? fromConnectionString("STATE_STORAGE", state.connectionString, config)
    : new BlobServiceClient(state.blobServiceUri!, azureCredential(config), { retryOptions: storageRetryOptions(config) });
  return {
    lake: lakeClient,
    stateBlobs,
    table: (name) =>
      state.connectionString
        ? TableClient.fromConnectionString(state.connectionString, name, {
            allowInsecureConnection: isLocal(state.connectionString),
          })
        : new TableClient(state.tableServiceUri!, name, azureCredential(config)),
    queue: (name) =>
      state.connectionString
        ? new QueueClient(state.connectionString, name, { retryOptions: storageRetryOptions(config) })
        : new QueueClient(`${state.queueServiceUri!.replace(/\/$/, "")}/${name}`, azureCredential(config), { retryOptions: storageRetryOptions(config) }),
  };
}
