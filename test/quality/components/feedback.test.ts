import { describe, expect, it } from "vitest";
import { feedback } from "../../../lib/quality/components/feedback.js";

describe("feedback", () => {
  it("maps a 1-5 rating onto 0-1", () => {
    expect(feedback(1, undefined, undefined)).toBe(0);
    expect(feedback(3, undefined, undefined)).toBe(0.5);
    expect(feedback(5, undefined, undefined)).toBe(1);
  });

  it("counts thumbs up as 1 and down as 0, averaged with a rating", () => {
    expect(feedback(undefined, "up", undefined)).toBe(1);
    expect(feedback(undefined, "down", undefined)).toBe(0);
    expect(feedback(4, "down", undefined)).toBe(0.375); // (0.75 + 0) / 2
  });

  it("gives 0 to a flagged answer whatever the rating", () => {
    expect(feedback(5, "up", true)).toBe(0);
  });

  it("ignores ratings outside 1-5 and unknown thumbs; none left means unavailable", () => {
    expect(feedback(0, undefined, undefined)).toBeNull();
    expect(feedback(6, "sideways", false)).toBeNull();
    expect(feedback(Number.NaN, undefined, undefined)).toBeNull();
    expect(feedback(undefined, undefined, undefined)).toBeNull();
  });

  it("accepts thumbs in any case", () => {
    expect(feedback(undefined, " UP ", undefined)).toBe(1);
  });
});
