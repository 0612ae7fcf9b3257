import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { requiredInAzure, settingNames } from "../../lib/config.js";
import { egressSettingNames } from "../../lib/network/egress-ip.js";
// @ts-expect-error: plain JavaScript build script, no declarations
import { NODE_HEAP_FLAGS } from "../../scripts/build-cli.mjs";
import {
  childProperty,
  directKeys,
  filesUnder,
  infraDir,
  parseBicep,
  propertyValue,
  rel,
  stringValue,
  varObject,
} from "./bicep.js";

const main = await parseBicep(join(infraDir, "main.bicep"));
const functionApp = await parseBicep(join(infraDir, "app/function-app.bicep"));

const appSettings = varObject(main, "appSettings");
const hostSettings = varObject(functionApp, "hostSettings");
const premiumSettings = varObject(functionApp, "premiumSettings");
const allSettingNames = new Set([appSettings, hostSettings, premiumSettings].flatMap(directKeys));

/**
 * Settings Bicep sets that the code does not read through lib/config.ts, each with its reader.
 * A name outside this list and outside settingNames is a typo until proven otherwise.
 */
const platformSettings: Record<string, string> = {
  AzureWebJobsStorage__accountName: "Functions host storage, identity-based",
  AzureWebJobsStorage__credential: "Functions host storage, identity-based",
  AzureWebJobsStorage__clientId: "Functions host storage, identity-based",
  STATE_STORAGE__credential: "queue trigger binding (connection STATE_STORAGE)",
  STATE_STORAGE__clientId: "queue trigger binding (connection STATE_STORAGE)",
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: "Entra auth for telemetry (local auth is off)",
  FUNCTIONS_EXTENSION_VERSION: "EP1 host version",
  FUNCTIONS_WORKER_RUNTIME: "EP1 worker runtime",
  WEBSITE_RUN_FROM_PACKAGE: "EP1 package URL",
  WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID: "EP1 package read with the identity",
  languageWorkers__node__arguments: "Functions host: node flags of the worker (heap cap)",
};

function settingValueText(name: string): string {
  for (const object of [appSettings, hostSettings, premiumSettings]) {
    const property = childProperty(object, name);
    if (property) return propertyValue(property)?.text ?? "";
  }
  throw new Error(`${name} is not set in Bicep`);
}

describe("Function App settings in Bicep", () => {
  it.each(requiredInAzure)("set %s, which lib/config.ts requires in Azure", (name) => {
    expect(allSettingNames.has(name), `${name} is missing from appSettings in infra/main.bicep`).toBe(true);
  });

  it.each(egressSettingNames)("set %s for GET /api/egress", (name) => {
    expect(allSettingNames.has(name), `${name} is missing from appSettings in infra/main.bicep`).toBe(true);
  });

  it("set nothing the code or the Functions platform does not read", () => {
    const known = new Set<string>([...settingNames, ...egressSettingNames, ...Object.keys(platformSettings)]);
    const unknown = [...allSettingNames].filter((name) => !known.has(name));
    expect(unknown, "settings in Bicep that nothing reads (typo? add to lib/config.ts?)").toEqual([]);
  });

  it("read MONGODB_URI through a Key Vault reference, resolved as the user-assigned identity", () => {
    expect(settingValueText("MONGODB_URI")).toMatch(/^'@Microsoft\.KeyVault\(SecretUri=\$\{[^}]+\}\)'$/);
    const site = functionApp.source;
    expect(site).toMatch(/keyVaultReferenceIdentity:\s*identityId/);
  });

  it("connect to storage by identity: service URIs, managedidentity credential and client id", () => {
    expect(stringValue(propertyValue(childProperty(appSettings, "STATE_STORAGE__credential")!))).toBe(
      "managedidentity",
    );
    expect(stringValue(propertyValue(childProperty(hostSettings, "AzureWebJobsStorage__credential")!))).toBe(
      "managedidentity",
    );
    expect(settingValueText("STATE_STORAGE__clientId")).toBe(settingValueText("AZURE_CLIENT_ID"));
    expect(settingValueText("AzureWebJobsStorage__clientId")).toBe("identityClientId");
  });

  it("send telemetry with Entra ID, since local auth is disabled", () => {
    expect(settingValueText("APPLICATIONINSIGHTS_AUTHENTICATION_STRING")).toContain("Authorization=AAD");
    expect(readFileSync(join(infraDir, "core/monitor/monitoring.bicep"), "utf8")).toMatch(/DisableLocalAuth:\s*true/);
  });

  it("start the Node worker with the heap flags the campus-etl bin runs with", () => {
    expect(settingValueText("languageWorkers__node__arguments")).toBe("hosting.nodeWorkerArguments");
    const param = /^param nodeWorkerArguments string = '([^']*)'$/m.exec(main.source)?.[1];
    expect(param, "param nodeWorkerArguments in infra/main.bicep").toBe(NODE_HEAP_FLAGS);
    expect(main.source).toMatch(/nodeWorkerArguments:\s*nodeWorkerArguments/);
  });

  it("expect the NAT gateway's IP as the egress IP", () => {
    expect(settingValueText("EXPECTED_EGRESS_IP")).toBe("network.outputs.egressIp");
  });

  it("route all outbound traffic through the VNet (Flex does by design; EP1 is told to)", () => {
    expect(functionApp.source).toMatch(/virtualNetworkSubnetId:\s*subnetId/);
    const premium = varObject(functionApp, "premiumProperties").text;
    expect(premium).toMatch(/outboundVnetRouting:\s*{\s*allTraffic:\s*true\s*applicationTraffic:\s*true/);
    expect(premium).toMatch(/vnetRouteAllEnabled:\s*true/);
    expect(functionApp.source).toMatch(/hosting\.isFlex \? flexProperties : premiumProperties/);
  });
});

describe("No keys anywhere in infra", () => {
  const files = [...filesUnder(infraDir, ".bicep"), ...filesUnder(infraDir, ".json")];

  it.each(files.map((f) => [rel(f), f]))("%s holds no storage key or key listing", (_name, path) => {
    const text = readFileSync(path, "utf8");
    expect(text).not.toMatch(/listKeys\(|AccountKey=|SharedAccessSignature|InstrumentationKey=/);
  });

  it("storage accounts refuse shared keys", () => {
    expect(readFileSync(join(infraDir, "core/storage/storage-account.bicep"), "utf8")).toMatch(
      /allowSharedKeyAccess:\s*false/,
    );
  });
});
