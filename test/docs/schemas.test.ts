import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { collections, curatedColumns } from "../../lib/collections/index.js";
import { renderSchemaDocs } from "../../scripts/gen-schema-docs.js";

describe("docs/SCHEMAS.md", () => {
  it("is current with the collection specs (run npm run gen:docs)", () => {
    expect(readFileSync(new URL("../../docs/SCHEMAS.md", import.meta.url), "utf8")).toBe(renderSchemaDocs());
  });
  it("documents every curated column of every collection", () => {
    const doc = renderSchemaDocs();
    for (const spec of collections) for (const c of curatedColumns(spec)) expect(doc).toContain(`| ${c.name} |`);
  });
});
