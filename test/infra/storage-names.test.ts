import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../lib/config.js";
import { CURATED_CONTAINER } from "../../scripts/gen-synapse.js";
import {
  childProperty,
  descendants,
  infraDir,
  moduleCalls,
  parseBicep,
  propertyValue,
  stringLiterals,
  stringValue,
  varObject,
} from "./bicep.js";

// The names the code uses when no override is set (the Azure deployment sets none).
const config = loadConfig({
  MONGODB_URI: "mongodb://localhost:27017",
  LAKE_STORAGE: "UseDevelopmentStorage=true",
  STATE_STORAGE: "UseDevelopmentStorage=true",
});

const main = await parseBicep(join(infraDir, "main.bicep"));
const storageAccount = await parseBicep(join(infraDir, "core/storage/storage-account.bicep"));
const lakeModule = await parseBicep(join(infraDir, "app/lake.bicep"));

const lakeContainers = varObject(main, "lakeContainers");
const stateStore = varObject(main, "stateStore");

const stringOf = (object: ReturnType<typeof varObject>, key: string) => {
  const property = childProperty(object, key);
  return property ? stringValue(propertyValue(property)) : undefined;
};
const listOf = (object: ReturnType<typeof varObject>, key: string) => {
  const property = childProperty(object, key);
  const value = property ? propertyValue(property) : undefined;
  return value ? stringLiterals(value) : [];
};

function moduleParam(symbol: string, param: string): string | undefined {
  const call = moduleCalls(main).find((m) => m.symbol === symbol);
  const params = call && childProperty(call.body, "params");
  const value = params && propertyValue(params);
  const property = value && childProperty(value, param);
  return property && propertyValue(property)?.text;
}

describe("Storage names in Bicep match the code's defaults", () => {
  it("lake containers: raw, curated, quarantine", () => {
    expect(stringOf(lakeContainers, "raw")).toBe(config.containers.raw);
    expect(stringOf(lakeContainers, "curated")).toBe(config.containers.curated);
    expect(stringOf(lakeContainers, "quarantine")).toBe(config.containers.quarantine);
    expect(CURATED_CONTAINER, "the Synapse data source points at the curated container").toBe(
      config.containers.curated,
    );
  });

  it("state containers include the lock container", () => {
    expect(listOf(stateStore, "containers")).toContain(config.containers.locks);
  });

  it("state tables: watermarks, runs, backfill jobs, audit", () => {
    expect(listOf(stateStore, "tables").sort()).toEqual(
      [config.tables.watermarks, config.tables.runs, config.tables.jobs, config.tables.audit].sort(),
    );
  });

  it("backfill queue and the poison queue the Functions host moves failed chunks to", () => {
    expect(stringOf(stateStore, "backfillQueue")).toBe(config.queues.backfill);
    expect(stringOf(stateStore, "backfillPoisonQueue")).toBe(`${config.queues.backfill}-poison`);
  });

  it("erasure queue and its poison queue", () => {
    expect(stringOf(stateStore, "erasureQueue")).toBe(config.queues.erasure);
    expect(stringOf(stateStore, "erasurePoisonQueue")).toBe(`${config.queues.erasure}-poison`);
  });
});

describe("Bicep creates what the names describe", () => {
  it("the lake module gets the lake containers and creates them in an HNS account with lifecycle rules", () => {
    expect(moduleParam("lake", "containers")).toBe("lakeContainers");
    for (const key of ["raw", "curated", "quarantine"]) {
      expect(lakeModule.source).toContain(`containers.${key}`);
    }
    expect(lakeModule.source).toMatch(/isHnsEnabled:\s*true/);
    expect(lakeModule.source).toMatch(/tierToCool:[\s\S]*rawCoolAfterDays/);
    expect(lakeModule.source).toMatch(/delete:[\s\S]*rawDeleteAfterDays/);
  });

  it("the state account gets the containers, tables and all four queues", () => {
    expect(moduleParam("stateStorage", "containers")).toContain("stateStore.containers");
    expect(moduleParam("stateStorage", "tables")).toBe("stateStore.tables");
    const queues = moduleParam("stateStorage", "queues") ?? "";
    expect(queues).toContain("stateStore.backfillQueue");
    expect(queues).toContain("stateStore.backfillPoisonQueue");
    expect(queues).toContain("stateStore.erasureQueue");
    expect(queues).toContain("stateStore.erasurePoisonQueue");
  });

  it("the storage account module loops over containers, tables and queues", () => {
    const loops = descendants(storageAccount.tree.rootNode, "for_statement").map((n) => n.text);
    for (const list of ["containers", "tables", "queues"]) {
      expect(loops.some((text) => new RegExp(`\\bin ${list}:`).test(text)), `[for … in ${list}: …]`).toBe(true);
    }
  });
});
