import { describe, expect, it } from "vitest";
import { relevance } from "../../../lib/quality/components/relevance.js";

describe("relevance", () => {
  it("is the shared share of the student's terms, full at one half", () => {
    expect(relevance(1, 4)).toBe(0.5); // 1 / (0.5 × 4)
    expect(relevance(2, 4)).toBe(1);
    expect(relevance(3, 4)).toBe(1);
    expect(relevance(0, 4)).toBe(0);
    expect(relevance(1, 5)).toBe(0.4); // 1 / 2.5
  });

  it("asks at most ten shared terms of a long student text", () => {
    expect(relevance(5, 200)).toBe(0.5); // 5 / (0.5 × 20)
    expect(relevance(10, 200)).toBe(1);
  });

  it("is unavailable when the student wrote no content word", () => {
    expect(relevance(0, 0)).toBeNull();
  });
});
