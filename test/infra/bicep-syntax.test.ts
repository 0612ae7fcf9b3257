import { describe, expect, it } from "vitest";
import { describeSyntaxError, filesUnder, firstSyntaxError, infraDir, parseBicep, rel } from "./bicep.js";

const files = filesUnder(infraDir, ".bicep");

describe("Bicep templates", () => {
  it("exist: main.bicep and its modules", () => {
    expect(files.map(rel)).toContain("infra/main.bicep");
    expect(files.length).toBeGreaterThan(5);
  });

  it.each(files.map((f) => [rel(f), f]))("%s parses without syntax errors", async (_name, path) => {
    const file = await parseBicep(path);
    const error = firstSyntaxError(file.tree.rootNode);
    expect(error === undefined, error ? describeSyntaxError(file, error) : "").toBe(true);
  });
});
