import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  childProperty,
  declaredNames,
  descendants,
  directKeys,
  filesUnder,
  infraDir,
  moduleCalls,
  params,
  parseBicep,
  propertyValue,
  rel,
  stringValue,
  varObject,
  type BicepFile,
} from "./bicep.js";

// Without a Bicep compiler here, these checks stand in for the compile errors a typo would cause:
// a module param that does not exist, a required one left out, an output that is not declared.
const files = await Promise.all(filesUnder(infraDir, ".bicep").map(parseBicep));
const byPath = new Map(files.map((f) => [f.path, f]));
const main = byPath.get(join(infraDir, "main.bicep")) as BicepFile;

const calls = files.flatMap((file) => moduleCalls(file).map((call) => ({ file, call })));

describe("Module calls", () => {
  it.each(calls.map(({ file, call }) => [`${rel(file.path)} → ${call.symbol}`, file, call]))(
    "%s: target exists, params match its declarations",
    (_label, file, call) => {
      const target = byPath.get(call.target);
      expect(target, `${rel(file.path)}: module ${call.symbol} points at a missing file`).toBeDefined();
      if (!target) return;
      const paramsProperty = childProperty(call.body, "params");
      const passed = paramsProperty ? directKeys(propertyValue(paramsProperty)!) : [];
      const declared = params(target);
      const unknown = passed.filter((p) => !declared.some((d) => d.name === p));
      const missing = declared.filter((d) => !d.hasDefault && !passed.includes(d.name)).map((d) => d.name);
      expect(unknown, `params ${rel(target.path)} does not declare`).toEqual([]);
      expect(missing, `required params of ${rel(target.path)} not passed`).toEqual([]);
    },
  );

  it.each(files.map((f) => [rel(f.path), f]))("%s reads only outputs its modules declare", (_name, file) => {
    const targets = new Map(moduleCalls(file).map((c) => [c.symbol, byPath.get(c.target)]));
    const references = descendants(file.tree.rootNode, "member_expression")
      .map((n) => /^(\w+)\.outputs\.(\w+)$/.exec(n.text))
      .filter((m): m is RegExpExecArray => m !== null);
    for (const [, symbol, output] of references) {
      const target = targets.get(symbol ?? "");
      expect(target, `${symbol} is not a module in ${rel(file.path)}`).toBeDefined();
      expect(declaredNames(target!, "output_declaration"), `${rel(target!.path)} outputs`).toContain(output);
    }
  });
});

describe("Files loaded by templates", () => {
  const loads = files.flatMap((file) =>
    descendants(file.tree.rootNode, "call_expression")
      .filter((n) => ["loadTextContent", "loadJsonContent"].includes(n.childForFieldName("function")?.text ?? ""))
      .map((n) => ({ file, path: stringValue(n.childForFieldName("arguments")?.namedChildren[0]) ?? "" })),
  );

  it.each(loads.map(({ file, path }) => [`${rel(file.path)} loads ${path}`, file, path]))(
    "%s, which exists",
    (_label, file, path) => {
      expect(existsSync(resolve(join(file.path, ".."), path))).toBe(true);
    },
  );

  it("every alert query file is used by a rule", () => {
    const loaded = new Set(loads.map(({ file, path }) => resolve(join(file.path, ".."), path)));
    const unused = filesUnder(join(infraDir, "app/queries"), ".kql").filter((q) => !loaded.has(q));
    expect(unused.map(rel)).toEqual([]);
  });
});

describe("main.parameters.json", () => {
  const json = JSON.parse(readFileSync(join(infraDir, "main.parameters.json"), "utf8")) as {
    parameters: Record<string, { value: unknown }>;
  };
  const declared = params(main);

  it("sets only parameters main.bicep declares", () => {
    const names = declared.map((p) => p.name);
    expect(Object.keys(json.parameters).filter((p) => !names.includes(p))).toEqual([]);
  });

  it("sets every parameter without a default", () => {
    const required = declared.filter((p) => !p.hasDefault).map((p) => p.name);
    expect(required.filter((p) => !(p in json.parameters))).toEqual([]);
  });

  it("carries no secret: the MongoDB URI is set in Key Vault, not passed by CI", () => {
    expect(Object.keys(json.parameters)).not.toContain("mongoDbUri");
  });
});

describe("Network: one static egress IP for MongoDB Atlas", () => {
  const source = (path: string) => byPath.get(join(infraDir, path))?.source ?? "";

  it("main.bicep outputs the NAT IP under a name that says where it goes", () => {
    expect(declaredNames(main, "output_declaration")).toContain("ATLAS_ALLOWLIST_EGRESS_IP");
    expect(main.source).toMatch(/output ATLAS_ALLOWLIST_EGRESS_IP string = network\.outputs\.egressIp/);
  });

  it("the subnet delegation follows the hosting plan", () => {
    const hosting = varObject(main, "hosting");
    const delegation = propertyValue(childProperty(hosting, "subnetDelegation")!)?.text ?? "";
    expect(delegation).toMatch(/isFlex \? 'Microsoft\.App\/environments' : 'Microsoft\.Web\/serverFarms'/);
    const sku = propertyValue(childProperty(hosting, "sku")!)?.text ?? "";
    expect(sku).toMatch(/isFlex \? \{ name: 'FC1', tier: 'FlexConsumption' \} : \{ name: 'EP1', tier: 'ElasticPremium' \}/);
    expect(main.source).toMatch(/var isFlex = hostingPlan == 'FlexConsumption'/);
    expect(source("core/network/vnet.bicep")).toMatch(/serviceName:\s*delegation/);
  });

  it("the subnet sits behind a NAT gateway with one Standard static public IP", () => {
    expect(source("core/network/vnet.bicep")).toMatch(/natGateway:\s*{\s*id:\s*natGatewayId/);
    const nat = source("core/network/nat-gateway.bicep");
    expect(nat).toMatch(/publicIPAllocationMethod:\s*'Static'/);
    expect(nat).toMatch(/sku:\s*{\s*name:\s*'Standard'/);
    expect(nat).toMatch(/publicIpAddresses:\s*\[\s*{\s*id:\s*publicIp\.id/);
  });

  it("the app deploys Node 22", () => {
    expect(main.source).toMatch(/runtime:\s*{\s*name:\s*'node'\s*version:\s*'22'/);
  });
});

describe("Least-privilege roles for the app's identity", () => {
  const rbac = byPath.get(join(infraDir, "app/rbac.bicep"))?.source ?? "";

  it.each([
    "storageBlobDataContributor",
    "storageBlobDataOwner",
    "storageQueueDataContributor",
    "storageTableDataContributor",
    "keyVaultSecretsUser",
    "monitoringMetricsPublisher",
  ])("grants %s", (role) => {
    expect(rbac).toContain(`roles.${role}`);
  });

  it("grants nothing at subscription or resource-group scope, and no Owner/Contributor", () => {
    const scopes = [...rbac.matchAll(/^\s+scope:\s*(.+)$/gm)].map((m) => m[1]?.trim());
    expect(scopes.every((s) => ["lake", "lake::blobService::curated", "hostStorage", "vault", "appInsights", "packageStorage::blobService::packageContainer"].includes(s ?? ""))).toBe(true);
    expect(rbac).not.toMatch(/8e3af657-a8ff-443c-a75c-2fe8c4bcb635|b24988ac-6180-42a0-ab88-20f7382dd24c/);
  });
});
