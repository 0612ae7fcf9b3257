import { describe, expect, it } from "vitest";
import { completeness, completenessFloor } from "../../../lib/quality/components/completeness.js";

describe("completeness", () => {
  it("sets the floor at twice the student's length, between 10 and 100 words", () => {
    expect(completenessFloor(3)).toBe(10);
    expect(completenessFloor(12)).toBe(24);
    expect(completenessFloor(300)).toBe(100);
  });

  it("falls in proportion below the floor", () => {
    expect(completeness(0, 3)).toBe(0);
    expect(completeness(5, 3)).toBe(0.5); // 5 / 10
    expect(completeness(12, 12)).toBe(0.5); // 12 / 24
  });

  it("is full between the floor and 400 words", () => {
    expect(completeness(10, 3)).toBe(1);
    expect(completeness(400, 3)).toBe(1);
  });

  it("decays as 400 / length past 400 words", () => {
    expect(completeness(800, 3)).toBe(0.5);
    expect(completeness(1600, 3)).toBe(0.25);
  });
});
