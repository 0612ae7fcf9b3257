import { describe, expect, it } from "vitest";
import { packagesLoadedBy } from "../fixtures/loaded-packages.js";

const env = { MONGODB_URI: "mongodb://127.0.0.1:9/x" };

describe("storage clients", () => {
  it("with connection strings, never load the identity library", () => {
    const run = packagesLoadedBy(
      `const { loadConfig } = await import("./lib/config.ts");
       const { createStorageClients } = await import("./lib/storage/clients.ts");
       createStorageClients(loadConfig({ ...process.env, LAKE_STORAGE: "UseDevelopmentStorage=true", STATE_STORAGE: "UseDevelopmentStorage=true" })).table("watermarks");`,
      env,
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.packages).toContain("@azure/storage-blob");
    expect(run.packages).not.toContain("@azure/identity");
  }, 60_000);

  it("with service URIs (managed identity), load it at the first token request", () => {
    const run = packagesLoadedBy(
      `const { loadConfig } = await import("./lib/config.ts");
       const { createStorageClients } = await import("./lib/storage/clients.ts");
       const clients = createStorageClients(loadConfig({
         ...process.env,
         LAKE_STORAGE__blobServiceUri: "https://lake.blob.core.windows.net",
         STATE_STORAGE__blobServiceUri: "https://state.blob.core.windows.net",
         STATE_STORAGE__tableServiceUri: "https://state.table.core.windows.net",
         STATE_STORAGE__queueServiceUri: "https://state.queue.core.windows.net",
         AZURE_CLIENT_ID: "00000000-0000-0000-0000-000000000001",
       }));
       console.log("created");
       // No identity endpoint here: the request fails or retries; what matters is that it reached the library.
       const asked = clients.lake.credential.getToken("https://storage.azure.com/.default").catch(() => undefined);
       await Promise.race([asked, new Promise((r) => setTimeout(r, 5000))]);
       process.exit(0);`,
      { ...env, IDENTITY_ENDPOINT: "http://127.0.0.1:9/token", IDENTITY_HEADER: "x" },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("created");
    expect(run.packages).toContain("@azure/identity");
  }, 60_000);
});
