import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  describeSyntaxError,
  filesUnder,
  firstSyntaxError,
  infraDir,
  parseBicep,
  parseBicepSource,
  rel,
} from "./bicep.js";

const files = filesUnder(infraDir, ".bicep");

describe("Bicep templates", () => {
  it("exist: main.bicep and its modules under app/ and core/", () => {
    const names = files.map(rel);
    expect(names).toContain("infra/main.bicep");
    expect(names.some((n) => n.startsWith("infra/app/"))).toBe(true);
    expect(names.some((n) => n.startsWith("infra/core/"))).toBe(true);
  });

  it.each(files.map((f) => [rel(f), f]))("%s parses without syntax errors", async (_name, path) => {
    const file = await parseBicep(path);
    const error = firstSyntaxError(file.tree.rootNode);
    expect(error === undefined, error ? describeSyntaxError(file, error) : "").toBe(true);
  });
});

describe("The syntax check itself", () => {
  it("reports where a template is broken", async () => {
    const source = ["param name string", "", "resource r 'Microsoft.Storage/storageAccounts@2023-05-01' = {", "  name: name", "  properties: {", "}"].join("\n");
    const file = await parseBicepSource(source, join(infraDir, "broken.bicep"));
    const error = firstSyntaxError(file.tree.rootNode);
    expect(error).toBeDefined();
    expect(describeSyntaxError(file, error!)).toMatch(/^infra\/broken\.bicep:\d+:\d+: (ERROR|MISSING)/);
  });

  it("accepts decorators before declarations", async () => {
    const source = ["@description('why')", "@minValue(1)", "param count int = 1"].join("\n");
    const file = await parseBicepSource(source, join(infraDir, "decorated.bicep"));
    expect(firstSyntaxError(file.tree.rootNode)).toBeUndefined();
  });
});
