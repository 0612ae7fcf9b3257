import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Node } from "web-tree-sitter";
import { describe, expect, it } from "vitest";
import { childProperty, descendants, infraDir, moduleCalls, parseBicep, propertyValue, stringValue, varObject, type BicepFile } from "./bicep.js";

/**
 * Closed by default, checked on the Bicep's structure (tree-sitter-bicep): firewalls, soft delete,
 * diagnostic settings, local auth, where the code lives, who may read what. Each property named
 * here was checked against the Bicep type definitions (Azure/bicep-types-az) for the API version the
 * template uses; see docs/INFRA.md.
 */
const load = (path: string) => parseBicep(join(infraDir, path));
const main = await load("main.bicep");
const storage = await load("core/storage/storage-account.bicep");
const vault = await load("core/security/key-vault.bicep");
const monitoring = await load("core/monitor/monitoring.bicep");
const app = await load("app/function-app.bicep");
const rbac = await load("app/rbac.bicep");
const lake = await load("app/lake.bicep");

/** A resource declaration anywhere in the file (nested ones included), by symbol. */
function resource(file: BicepFile, symbol: string): Node {
  const found = descendants(file.tree.rootNode, "resource_declaration").find((n) => n.namedChildren[0]?.text === symbol);
  if (!found) throw new Error(`no resource ${symbol} in ${file.path}`);
  return found;
}

/** The body object of a resource or module (inside any `if`). */
const body = (decl: Node): Node => decl.namedChildren.find((c) => c?.type === "object") ?? descendants(decl, "object")[0]!;

/** Follows object keys; a conditional value is followed into its `branch` (default: the one when true). */
function at(node: Node, keys: string[], branch: "consequence" | "alternative" = "consequence"): Node | undefined {
  let current: Node | undefined = node;
  for (const key of keys) {
    if (!current) return undefined;
    if (current.type === "ternary_expression") current = current.childForFieldName(branch) ?? undefined;
    const property: Node | undefined = current && current.type === "object" ? childProperty(current, key) : undefined;
    current = property ? propertyValue(property) : undefined;
  }
  if (current?.type === "ternary_expression") current = current.childForFieldName(branch) ?? undefined;
  return current;
}
const text = (node: Node | undefined) => (node ? (stringValue(node) ?? node.text) : undefined);
const moduleBody = (file: BicepFile, symbol: string) => moduleCalls(file).find((m) => m.symbol === symbol)!.body;
const keysOf = (object: Node | undefined) => (object ? descendants(object, "object_property").map((p) => p.namedChildren[0]?.text) : []);

describe("Function App: deploys on every stamp", () => {
  it("sets ftpsState for Elastic Premium only (Flex rejects it: ARM 51021)", () => {
    expect(text(at(varObject(app, "premiumProperties"), ["siteConfig", "ftpsState"]))).toBe("Disabled");
    expect(at(varObject(app, "flexProperties"), ["siteConfig", "ftpsState"])).toBeUndefined();
    expect(text(at(varObject(app, "flexProperties"), ["siteConfig", "minTlsVersion"]))).toBe("1.2");
  });

  it("EP1 scales from the runtime, as the scale controller cannot reach the closed state account", () => {
    expect(text(at(varObject(app, "premiumProperties"), ["siteConfig", "functionsRuntimeScaleMonitoringEnabled"]))).toBe("true");
  });
});

describe("Storage firewalls: closed by default", () => {
  const acls = () => at(body(resource(storage, "account")), ["properties", "networkAcls"])!;

  it("denies by default and lets in the integration subnet, the operator's IP and resource instances", () => {
    const closed = at(body(resource(storage, "account")), ["properties", "networkAcls"], "consequence")!;
    expect(text(at(closed, ["defaultAction"]))).toBe("Deny");
    expect(text(at(closed, ["bypass"]))).toBe("AzureServices");
    const vnetRule = descendants(at(closed, ["virtualNetworkRules"])!, "object")[0]!;
    expect(text(at(vnetRule, ["id"]))).toBe("networkAccess.subnetId");
    expect(text(at(vnetRule, ["action"]))).toBe("Allow");
    expect(at(closed, ["ipRules"], "alternative")?.text).toMatch(/value:\s*networkAccess\.operatorIp/);
    expect(text(at(closed, ["resourceAccessRules"]))).toMatch(/networkAccess\.resourceAccessRules/);
    expect(acls().text).toContain("networkAccess.subnetId");
  });

  it("main.bicep passes the one networkAccess object to the lake, the state account and Key Vault", () => {
    const network = varObject(main, "networkAccess");
    expect(text(at(network, ["subnetId"]))).toBe("network.outputs.subnetId");
    expect(text(at(network, ["operatorIp"]))).toBe("operatorIpAddress");
    for (const symbol of ["lake", "stateStorage", "keyVault"]) expect(text(at(moduleBody(main, symbol), ["params", "networkAccess"]))).toBe("networkAccess");
    expect(at(moduleBody(lake, "account"), ["params", "networkAccess"])?.text).toMatch(/union\(networkAccess/);
  });

  it("lets the Synapse workspace into the lake by a resource instance rule", () => {
    const rules = at(moduleBody(lake, "account"), ["params", "networkAccess"])!.text;
    expect(rules).toMatch(/resourceAccessRules:\s*empty\(synapseWorkspaceId\)/);
    expect(rules).toMatch(/tenantId:\s*tenant\(\)\.tenantId\s+resourceId:\s*synapseWorkspaceId/);
  });

  it("keeps the package account apart, and off the state account", () => {
    const pkg = moduleBody(main, "packageStorage");
    expect(text(at(pkg, ["params", "containers"]))).toMatch(/hosting\.packageContainer/);
    expect(at(moduleBody(main, "stateStorage"), ["params", "containers"])?.text).not.toContain("packageContainer");
    expect(text(at(moduleBody(main, "functionApp"), ["params", "packageBlobEndpoint"]))).toBe("packageStorage.outputs.blobEndpoint");
    expect(app.source).toMatch(/var packageContainerUrl = '\$\{packageBlobEndpoint\}\$\{hosting\.packageContainer\}'/);
  });
});

describe("Lake: soft delete, diagnostics", () => {
  it("turns on blob and container soft delete for the lake", () => {
    const blob = at(body(resource(storage, "blobService")), ["properties"], "consequence")!;
    expect(text(at(blob, ["deleteRetentionPolicy", "enabled"]))).toBe("true");
    expect(text(at(blob, ["deleteRetentionPolicy", "days"]))).toBe("softDeleteDays");
    expect(text(at(blob, ["containerDeleteRetentionPolicy", "days"]))).toBe("softDeleteDays");
    expect(text(at(moduleBody(lake, "account"), ["params", "softDeleteDays"]))).toBe("softDeleteDays");
    expect(text(at(moduleBody(main, "lake"), ["params", "softDeleteDays"]))).toBe("lakeSoftDeleteDays");
  });

  it("sends storage logs (per service) and metrics, and the Key Vault audit log, to the workspace", () => {
    for (const [symbol, scope] of [["blobDiagnostics", "account::blobService"], ["tableDiagnostics", "account::tableService"], ["queueDiagnostics", "account::queueService"], ["accountDiagnostics", "account"]]) {
      const decl = resource(storage, symbol!);
      expect(decl.namedChildren[1]?.text).toBe("'Microsoft.Insights/diagnosticSettings@2021-05-01-preview'");
      expect(text(at(body(decl), ["scope"]))).toBe(scope);
    }
    expect(storage.source).toMatch(/categoryGroup: 'allLogs'/);
    expect(text(at(body(resource(vault, "diagnostics")), ["scope"]))).toBe("vault");
    expect(vault.source).toMatch(/categoryGroup: 'audit'/);
    for (const symbol of ["lake", "stateStorage", "packageStorage", "keyVault"]) {
      expect(text(at(moduleBody(main, symbol), ["params", "workspaceId"]))).toBe("monitoring.outputs.logAnalyticsId");
    }
  });
});

describe("Key Vault", () => {
  const props = () => at(body(resource(vault, "vault")), ["properties"])!;

  it("denies by default, with the subnet and the operator's IP let in", () => {
    expect(text(at(props(), ["networkAcls", "defaultAction"]))).toBe("Deny");
    expect(at(props(), ["networkAcls", "virtualNetworkRules"])?.text).toMatch(/id:\s*networkAccess\.subnetId/);
    expect(at(props(), ["networkAcls", "ipRules"], "alternative")?.text).toMatch(/value:\s*networkAccess\.operatorIp/);
  });

  it("can recover a soft-deleted vault (createMode), with purge protection kept", () => {
    expect(text(at(props(), ["createMode"]))).toBe("createMode");
    expect(vault.source).toMatch(/@allowed\(\[\s*'default'\s*'recover'\s*\]\)\s*param createMode string = 'default'/);
    expect(text(at(props(), ["enablePurgeProtection"]))).toBe("true");
    expect(text(at(moduleBody(main, "keyVault"), ["params", "createMode"]))).toBe("keyVaultCreateMode");
  });
});

describe("Monitoring", () => {
  it("turns Log Analytics local auth off and caps daily ingestion by a parameter", () => {
    const props = at(body(resource(monitoring, "workspace")), ["properties"])!;
    expect(text(at(props, ["features", "disableLocalAuth"]))).toBe("true");
    expect(text(at(props, ["workspaceCapping", "dailyQuotaGb"]))).toBe("dailyCapGb");
    expect(text(at(moduleBody(main, "monitoring"), ["params", "dailyCapGb"]))).toBe("logDailyCapGb");
  });

  it("sets no RetentionInDays on the workspace-based component (the workspace's applies)", () => {
    const component = at(body(resource(monitoring, "appInsights")), ["properties"])!;
    expect(keysOf(component)).not.toContain("RetentionInDays");
    expect(text(at(component, ["DisableLocalAuth"]))).toBe("true");
  });
});

describe("Roles", () => {
  const roles = JSON.parse(readFileSync(join(infraDir, "app/roles.json"), "utf8")) as Record<string, string>;

  it("Synapse reads curated/ only, not raw/ or quarantine/", () => {
    const decl = resource(rbac, "synapseCurated");
    expect(text(at(body(decl), ["scope"]))).toBe("lake::blobService::curated");
    expect(rbac.source).not.toMatch(/resource synapseLake/);
    expect(text(at(moduleBody(main, "rbac"), ["params", "curatedContainerName"]))).toBe("lakeContainers.curated");
  });

  it("the app cannot write its code on EP1, and writes only the package container on Flex", () => {
    const decl = resource(rbac, "appPackage");
    expect(text(at(body(decl), ["scope"]))).toBe("packageStorage::blobService::packageContainer");
    expect(rbac.source).toMatch(/var appPackageRole = isFlex \? roles\.storageBlobDataContributor : roles\.storageBlobDataReader/);
    // Blob Data Owner is on the state account only, and the package is not there.
    const owner = descendants(rbac.tree.rootNode, "resource_declaration").filter((r) => r.text.includes("hostStorageRoles"));
    expect(owner.map((r) => text(at(body(r), ["scope"])))).toEqual(["hostStorage"]);
  });

  it("takes every role id from roles.json, the list the CI identity's condition allows", () => {
    expect(rbac.source).toContain("var roles = loadJsonContent('roles.json')");
    expect(rbac.source).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
    const used = [...rbac.source.matchAll(/\broles\.(\w+)/g)].map((m) => m[1]!).filter((r) => r !== "json");
    expect(used.filter((r) => !(r in roles))).toEqual([]);
  });
});
