import { describe, expect, it } from "vitest";
import { hasUnclosedFence, proseOf } from "../../lib/quality/prose.js";

describe("proseOf", () => {
  it("returns plain text unchanged (the same string, so its scan can be reused)", () => {
    const text = "Plain answer. Nothing to strip.";
    expect(proseOf(text)).toBe(text);
  });

  it("removes fenced and inline code and URLs", () => {
    const md = "Use `map` here:\n```js\nconst x = [1, 2].map((n) => n * 2);\n```\nSee https://example.com/docs?q=1 for more.";
    expect(proseOf(md)).toBe("Use   here:\n\n\nSee   for more.");
  });

  it("removes an unclosed fence to the end", () => {
    expect(proseOf("Here:\n```python\ndef f(n):\n    return n *")).toBe("Here:\n\n");
  });
});

describe("hasUnclosedFence", () => {
  it("is true when a fence opens and never closes", () => {
    expect(hasUnclosedFence("Example:\n```python\ndef f():\n    pass")).toBe(true);
    expect(hasUnclosedFence("Example:\n```python\ndef f():\n    pass\n```\nDone.")).toBe(false);
    expect(hasUnclosedFence("No code at all.")).toBe(false);
  });
});
