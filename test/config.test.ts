import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../lib/config.js";

const base = {
  MONGODB_URI: "mongodb://etl:s3cret-pass@db.example.net:27017/",
  LAKE_STORAGE: "UseDevelopmentStorage=true",
  STATE_STORAGE: "UseDevelopmentStorage=true",
};

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    const config = loadConfig(base);
    expect(config.mongo.database).toBe("pathways-prod");
    expect(config.etl).toMatchObject({ settleDelayMs: 120_000, initialLookbackDays: 90, batchSize: 1000, parquetCompression: "SNAPPY" });
    expect(config.containers).toEqual({ raw: "raw", curated: "curated", quarantine: "quarantine", locks: "etl-locks" });
    expect(config.tables.watermarks).toBe("watermarks");
  });

  it("names a missing MONGODB_URI and how to fix it", () => {
    const { MONGODB_URI: _omit, ...env } = base;
    expect(problems(env)).toEqual([expect.stringMatching(/^MONGODB_URI is not set: give the MongoDB connection string/)]);
  });

  it("refuses a MongoDB URI with an unencoded @ in its password, without echoing it", () => {
    const found = problems({ ...base, MONGODB_URI: "mongodb://etl:2Secret@tail@db.example.net:27017/" });
    expect(found.join("\n")).toContain("MONGODB_URI has an unencoded @ in its user name or password: percent-encode it as %40");
    expect(found.join("\n")).not.toContain("2Secret");
    expect(loadConfig({ ...base, MONGODB_URI: "mongodb://etl:2Secret%40tail@db.example.net:27017/?appName=etl@campus" }).mongo.uri).toContain("%40tail");
  });

  it("treats an empty variable as missing", () => {
    expect(problems({ ...base, MONGODB_URI: "" })[0]).toMatch(/^MONGODB_URI is not set/);
  });

  it("names malformed numbers with the expectation, never the secret", () => {
    const found = problems({ ...base, ETL_BATCH_SIZE: "lots", MONGODB_URI: "postgres://u:s3cret-pass@h/" });
    expect(found.some((p) => p.startsWith("ETL_BATCH_SIZE:"))).toBe(true);
    expect(found.some((p) => p.startsWith("MONGODB_URI") && p.includes("mongodb://"))).toBe(true);
    expect(found.join("\n")).not.toContain("s3cret-pass");
  });

  it("requires some way to reach each storage account", () => {
    const found = problems({ MONGODB_URI: base.MONGODB_URI });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^LAKE_STORAGE is not set/),
        expect.stringMatching(/^STATE_STORAGE__tableServiceUri is not set/),
        expect.stringMatching(/^STATE_STORAGE__queueServiceUri is not set/),
      ]),
    );
  });

  it("accepts managed-identity service URIs instead of connection strings", () => {
    const config = loadConfig({
      MONGODB_URI: base.MONGODB_URI,
      LAKE_STORAGE__blobServiceUri: "https://lake.blob.core.windows.net",
      STATE_STORAGE__blobServiceUri: "https://st.blob.core.windows.net",
      STATE_STORAGE__tableServiceUri: "https://st.table.core.windows.net",
      STATE_STORAGE__queueServiceUri: "https://st.queue.core.windows.net",
      AZURE_CLIENT_ID: "00000000-0000-0000-0000-000000000001",
    });
    expect(config.lake.blobServiceUri).toBe("https://lake.blob.core.windows.net");
    expect(config.managedIdentityClientId).toBe("00000000-0000-0000-0000-000000000001");
  });

  it("rejects table names Azure would refuse", () => {
    expect(problems({ ...base, STATE_WATERMARKS_TABLE: "water-marks" })[0]).toMatch(/^STATE_WATERMARKS_TABLE/);
  });
});
