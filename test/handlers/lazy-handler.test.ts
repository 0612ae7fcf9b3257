import { describe, expect, it } from "vitest";
import { lazyHandler } from "../../lib/handlers/lazy-handler.js";
import { packagesLoadedBy } from "../fixtures/loaded-packages.js";

describe("lazyHandler", () => {
  it("loads its module at the first invocation only, then reuses it", async () => {
    let loads = 0;
    const handler = lazyHandler(async () => {
      loads++;
      return (a: number, b: string) => `${b}${a * 2}`;
    });
    expect(loads).toBe(0);
    expect(await handler(2, "x")).toBe("x4");
    expect(await handler(5, "y")).toBe("y10");
    expect(loads).toBe(1);
  });

  it("retries a failed import at the next invocation instead of caching the failure", async () => {
    let loads = 0;
    const handler = lazyHandler(async () => {
      if (++loads === 1) throw new Error("module not found");
      return () => "ok";
    });
    await expect(handler()).rejects.toThrow("module not found");
    expect(await handler()).toBe("ok");
    expect(loads).toBe(2);
  });

  it("passes the handler's own rejection through", async () => {
    const handler = lazyHandler(async () => async () => {
      throw new Error("run failed");
    });
    await expect(handler()).rejects.toThrow("run failed");
  });
});

// Packages a cold start must not load: each costs 0.1-1.3 CPU-s to import (docs/BENCHMARKS.md).
const HEAVY = ["mongodb", "@azure/storage-blob", "@azure/data-tables", "@azure/storage-queue", "@azure/identity", "@dsnp/parquetjs", "applicationinsights", "@opentelemetry/api"];

describe("Functions entry files", () => {
  it("register every trigger without importing the driver, the Storage SDKs, Parquet or App Insights", () => {
    const run = packagesLoadedBy(`for (const f of ["backfill", "egress", "erasure", "etl-timers", "health"]) await import("./functions/" + f + ".ts");`, {
      MONGODB_URI: "mongodb://127.0.0.1:9/x",
      LAKE_STORAGE: "UseDevelopmentStorage=true",
      STATE_STORAGE: "UseDevelopmentStorage=true",
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.packages).toContain("@azure/functions"); // the probe sees what was loaded
    expect(run.stderr).toContain('register function "etl-messages"');
    expect(run.stderr).toContain('register function "backfill-worker"');
    expect(run.stderr).toContain('register function "erasure-worker"');
    expect(run.packages.filter((p) => HEAVY.includes(p))).toEqual([]);
  }, 60_000);
});
