import { describe, expect, it } from "vitest";
import { ramp } from "../../lib/quality/ramp.js";

describe("ramp", () => {
  it("rises linearly from 0 to 1 and stays clamped outside", () => {
    expect(ramp(5, 0, 10)).toBe(0.5);
    expect(ramp(-1, 0, 10)).toBe(0);
    expect(ramp(11, 0, 10)).toBe(1);
  });

  it("falls when zeroAt is above oneAt (less is better)", () => {
    expect(ramp(35, 60, 10)).toBe(0.5);
    expect(ramp(5, 60, 10)).toBe(1);
    expect(ramp(90, 60, 10)).toBe(0);
  });

  it("gives 0 for NaN rather than propagating it", () => {
    expect(ramp(Number.NaN, 0, 10)).toBe(0);
  });
});
