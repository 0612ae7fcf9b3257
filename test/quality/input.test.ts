import { describe, expect, it } from "vitest";
import { readMessage } from "../../lib/quality/input.js";

describe("readMessage", () => {
  it("reads the fields scoring uses", () => {
    const createdAt = new Date("2026-03-02T10:00:00Z");
    expect(
      readMessage({ studentMessage: "q", aiResponse: "a", createdAt, respondedAt: "2026-03-02T10:00:05Z", rating: 4, feedback: "up", flagged: false }),
    ).toEqual({
      input: {
        studentMessage: "q",
        aiResponse: "a",
        createdAt,
        respondedAt: new Date("2026-03-02T10:00:05Z"),
        rating: 4,
        feedback: "up",
        flagged: false,
      },
    });
  });

  it("accepts an empty answer: that is a failed answer, not a missing one", () => {
    expect(readMessage({ studentMessage: "q", aiResponse: "" })).toHaveProperty("input");
  });

  it("names the missing or mistyped text fields", () => {
    expect(readMessage({ aiResponse: "a" })).toEqual({ reason: "unscorable: studentMessage missing" });
    expect(readMessage({ studentMessage: "q", aiResponse: null })).toEqual({ reason: "unscorable: aiResponse missing" });
    expect(readMessage({})).toEqual({ reason: "unscorable: studentMessage and aiResponse missing" });
    expect(readMessage({ studentMessage: 42, aiResponse: ["a"] })).toEqual({ reason: "unscorable: studentMessage and aiResponse not a string" });
    expect(readMessage({ studentMessage: { text: "q" } })).toEqual({ reason: "unscorable: studentMessage not a string, aiResponse missing" });
  });

  it("drops optional fields of the wrong type instead of failing", () => {
    const read = readMessage({
      studentMessage: "q",
      aiResponse: "a",
      createdAt: "yesterday",
      respondedAt: new Date(Number.NaN),
      rating: "5",
      feedback: 1,
      flagged: "yes",
    });
    expect(read).toEqual({ input: { studentMessage: "q", aiResponse: "a" } });
  });
});
