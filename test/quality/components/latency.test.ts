import { describe, expect, it } from "vitest";
import { latency } from "../../../lib/quality/components/latency.js";

const t0 = new Date("2026-03-02T10:00:00Z");
const after = (seconds: number): Date => new Date(t0.getTime() + seconds * 1000);

describe("latency", () => {
  it("is 1 up to 10 s, 0 from 60 s, linear between", () => {
    expect(latency(t0, after(3))).toBe(1);
    expect(latency(t0, after(10))).toBe(1);
    expect(latency(t0, after(35))).toBe(0.5);
    expect(latency(t0, after(60))).toBe(0);
    expect(latency(t0, after(3600))).toBe(0);
  });

  it("is unavailable without both timestamps or when the answer predates the question", () => {
    expect(latency(t0, undefined)).toBeNull();
    expect(latency(undefined, t0)).toBeNull();
    expect(latency(t0, after(-1))).toBeNull();
  });
});
