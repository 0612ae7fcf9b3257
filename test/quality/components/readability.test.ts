import { describe, expect, it } from "vitest";
import { readability } from "../../../lib/quality/components/readability.js";
import { scanText } from "../../../lib/quality/text.js";

const score = (text: string): number | null => readability(scanText(text));

describe("readability", () => {
  it("is 1 for short sentences of short words", () => {
    expect(score("The cat sat on the mat. It was warm.")).toBe(1);
  });

  it("scores sentence length from 1 at 15 words to 0 at 30", () => {
    // One 24-word sentence of short words: sentence part (30 - 24) / 15 = 0.4, word part 1 → 0.7.
    const sentence = Array.from({ length: 24 }, () => "cat").join(" ") + ".";
    expect(score(sentence)).toBeCloseTo(0.7, 10);
    expect(score(Array.from({ length: 40 }, () => "cat").join(" "))).toBe(0.5);
  });

  it("scores the long-word share from 1 at 25 % to 0 at 50 %", () => {
    // 10 words, 4 over six letters (through, mitosis, meiosis, dividing; "divide" and "tissue"
    // have six): share 0.4 → (0.5 - 0.4) / 0.25 = 0.4; sentence part 1; mean 0.7.
    expect(score("Cells divide through mitosis and meiosis in dividing body tissue.")).toBeCloseTo(0.7, 10);
  });

  it("scores plain prose near 1 and academic prose (LIX 58) near 0.5", () => {
    // 17 words, 3 long (sunlight, release, breathe: 18 %) → words 1; sentence (30 - 17) / 15 → mean 0.9333.
    expect(score("Plants use sunlight to make sugar, and they release oxygen into the air we breathe every day.")).toBeCloseTo(0.9333, 4);
    // 22 words, 8 long (photosynthetic, organisms, transform, absorbed, radiation, chemical,
    // glucose, metabolic: 36 %), LIX 58 → sentence (30 - 22) / 15 = 0.5333, words (0.5 - 0.3636)
    // / 0.25 = 0.5455 → mean 0.5394.
    const academic =
      "Photosynthetic organisms transform absorbed radiation into chemical energy that the cell stores in the bonds of glucose for later metabolic use daily. ";
    expect(score(academic.repeat(3))).toBeCloseTo(0.5394, 4);
  });

  it("does not count numbers as long words", () => {
    expect(score("The year 1234567 was 7654321 and 1111111 yes.")).toBe(1);
  });

  it("uses sentence length only for Chinese and Japanese text", () => {
    // 40 characters, one sentence → 20 word-equivalents → (30 - 20) / 15 = 0.6667.
    expect(score("光".repeat(40) + "。")).toBeCloseTo(2 / 3, 10);
  });

  it("is unavailable without prose", () => {
    expect(score("")).toBeNull();
    expect(score("👍 ...")).toBeNull();
  });
});
