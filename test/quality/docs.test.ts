import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { COMPONENT_NAMES, messageQuality, QUALITY_VERSION, scoreMessage, WEIGHTS } from "../../lib/quality/index.js";
import { workedExamples } from "./worked-examples.js";

// The method page must show what the code computes: a change of method that leaves the page
// behind fails here.
const doc = readFileSync(new URL("../../docs/quality-scoring.md", import.meta.url), "utf8");

describe("docs/quality-scoring.md", () => {
  it("shows the worked examples with the numbers the code computes", () => {
    for (const example of workedExamples) {
      const { score, components, flags } = scoreMessage(example.input);
      const cells = COMPONENT_NAMES.map((name) => String(components[name] ?? "null"));
      const row = `| ${example.name} | ${cells.join(" | ")} | ${flags.join(", ") || "–"} | ${score} |`;
      expect(doc, example.name).toContain(row);
    }
  });

  it("gives the weights the code uses", () => {
    for (const name of COMPONENT_NAMES) expect(doc).toContain(`| ${name} | ${WEIGHTS[name].toFixed(2)} |`);
  });

  it("names the current version and has a changelog entry for it", () => {
    expect(doc).toContain(`Method version: **${QUALITY_VERSION}**`);
    expect(doc).toContain(`| ${QUALITY_VERSION} |`);
  });

  it("documents every quality column", () => {
    for (const column of messageQuality.columns) expect(doc).toContain(`| \`${column.name}\` | ${column.type} |`);
  });
});
