import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { combine, COMPONENT_NAMES, HARD_FAILURE_CAP, HARD_FAILURES, scoreMessage, WEIGHTS, type MessageInput } from "../../lib/quality/index.js";
import { createdAt, messageInput, rating, seconds, thumbs, flagged } from "./arbitraries.js";
import { workedExamples } from "./worked-examples.js";

const decimals = (x: number, n: number): boolean => Math.round(x * 10 ** n) / 10 ** n === x;

describe("weights", () => {
  it("sum to 1 and cover every component", () => {
    expect(Object.values(WEIGHTS).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(COMPONENT_NAMES).toEqual(["relevance", "completeness", "readability", "integrity", "latency", "feedback"]);
  });
});

describe("combine", () => {
  const all = { relevance: 1, completeness: 0.5, readability: 1, integrity: 1, latency: 0, feedback: 0.25 };

  it("is 100 × the weighted mean of the components", () => {
    // 0.3 + 0.075 + 0.1 + 0.2 + 0 + 0.05 = 0.725
    expect(combine(all, false)).toBe(72.5);
  });

  it("re-normalises the weights over the components available", () => {
    // Without latency and feedback: (0.3 + 0.075 + 0.1 + 0.2) / 0.75 = 0.9
    expect(combine({ ...all, latency: null, feedback: null }, false)).toBe(90);
  });

  it("caps the score after a hard failure", () => {
    expect(combine(all, true)).toBe(HARD_FAILURE_CAP);
    expect(combine({ ...all, relevance: 0, completeness: 0, readability: 0, integrity: 0, latency: 0, feedback: 0.25 }, true)).toBe(5);
  });

  it("rounds to two decimals", () => {
    // (0.3 × 1/3) / 0.3 = 1/3 → 33.33
    expect(combine({ relevance: 1 / 3, completeness: null, readability: null, integrity: null, latency: null, feedback: null }, false)).toBe(33.33);
  });
});

describe("worked examples (docs/quality-scoring.md), computed by hand", () => {
  for (const example of workedExamples) {
    it(example.name, () => {
      const result = scoreMessage(example.input);
      expect(result.components).toEqual(example.components);
      expect(result.flags).toEqual(example.flags);
      expect(result.score).toBe(example.score);
    });
  }
});

describe("more golden cases", () => {
  it("a partly relevant, over-long, wordy answer", () => {
    // Student terms: mitosi(s), meiosi(s), differ(ence) → 3. The answer reuses mitosis only:
    // relevance 1 / 1.5 = 0.6667. It is 500 copies of a 2-word sentence "Mitosis copies." =
    // 1000 words → completeness 400/1000 = 0.4; 2 words a sentence → 1; long words: mitosis (7)
    // 500 of 1000 = 0.5 → 0 → readability (1 + 0)/2 = 0.5.
    // "Mitosis copies." repeated, but under 20 characters: not a loop. No timestamps, no feedback.
    // Score 100 × (0.3×0.6667 + 0.15×0.4 + 0.1×0.5 + 0.2) / 0.75 = 100 × 0.51001 / 0.75 = 68
    const result = scoreMessage({
      studentMessage: "What is the difference between mitosis and meiosis?",
      aiResponse: "Mitosis copies. ".repeat(500),
    });
    expect(result.components).toEqual({ relevance: 0.6667, completeness: 0.4, readability: 0.5, integrity: 1, latency: null, feedback: null });
    expect(result.flags).toEqual([]);
    expect(result.score).toBe(68);
  });

  it("a truncated code answer", () => {
    // Terms recurs(ion), python, exampl(e) → all reused → relevance 1. Answer words: recursion, is,
    // when, a, function, calls, itself, here, is, an, example, in, python, def, fact, n, if, n, 0,
    // return, 1, return, n, fact, n = 25 ≥ floor 14 → completeness 1. Prose (code removed): 2
    // sentences, 13 words → 6.5 a sentence → 1; long words recursion, function, example = 3/13 =
    // 0.23 → 1 → readability 1. Unclosed fence → truncated → integrity 0.5. Latency 30 s → 0.6.
    // Score 100 × (0.3 + 0.15 + 0.1 + 0.2×0.5 + 0.05×0.6) / 0.8 = 85
    const t0 = new Date("2026-03-02T10:00:00Z");
    const result = scoreMessage({
      studentMessage: "Explain recursion in Python with an example",
      aiResponse: "Recursion is when a function calls itself. Here is an example in Python:\n\n```python\ndef fact(n):\n    if n == 0:\n        return 1\n    return n * fact(n",
      createdAt: t0,
      respondedAt: new Date(t0.getTime() + 30_000),
    });
    expect(result.components).toEqual({ relevance: 1, completeness: 1, readability: 1, integrity: 0.5, latency: 0.6, feedback: null });
    expect(result.flags).toEqual(["truncated"]);
    expect(result.score).toBe(85);
  });

  it("a social reply to a message without content words", () => {
    // "thanks!" has no content term → relevance null. Answer 8 words (you, re, welcome, good,
    // luck, with, your, exam) vs floor 10 → 0.8. Score 100 × (0.15×0.8 + 0.1 + 0.2) / 0.45 = 93.33
    const result = scoreMessage({ studentMessage: "thanks!", aiResponse: "You're welcome! Good luck with your exam." });
    expect(result.components.relevance).toBeNull();
    expect(result.components.completeness).toBe(0.8);
    expect(result.score).toBe(93.33);
  });
});

describe("properties", () => {
  it("scores stay in 0-100, components in 0-1, at their stored precision", () => {
    fc.assert(
      fc.property(messageInput, (input) => {
        const { score, components } = scoreMessage(input);
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(100);
        expect(decimals(score, 2)).toBe(true);
        for (const value of Object.values(components)) {
          if (value === null) continue;
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThanOrEqual(1);
          expect(decimals(value, 4)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("is deterministic: the same message scores the same, copied or not", () => {
    fc.assert(
      fc.property(messageInput, (input) => {
        expect(scoreMessage(structuredClone(input))).toEqual(scoreMessage(input));
      }),
    );
  });

  it("the stored components reproduce the stored score", () => {
    fc.assert(
      fc.property(messageInput, (input) => {
        const { score, components, flags } = scoreMessage(input);
        expect(combine(components, flags.some((f) => HARD_FAILURES.has(f)))).toBe(score);
      }),
    );
  });

  it("a hard failure never scores above the cap", () => {
    fc.assert(
      fc.property(messageInput, (input) => {
        const { score, flags } = scoreMessage(input);
        if (flags.some((f) => HARD_FAILURES.has(f))) expect(score).toBeLessThanOrEqual(HARD_FAILURE_CAP);
      }),
    );
  });

  const meta = fc.record({ createdAt, wait: seconds, rating, feedback: thumbs, flagged });
  type Meta = typeof meta extends fc.Arbitrary<infer T> ? T : never;
  const withMeta = (base: Pick<MessageInput, "studentMessage" | "aiResponse">, m: Meta): MessageInput => ({
    ...base,
    createdAt: m.createdAt,
    respondedAt: m.createdAt ? new Date(m.createdAt.getTime() + m.wait * 1000) : undefined,
    rating: m.rating,
    feedback: m.feedback,
    flagged: m.flagged,
  });

  it("an empty answer never scores above a relevant, complete one, whatever the timing and feedback", () => {
    const question = "How do plants make glucose during photosynthesis?";
    const good = { studentMessage: question, aiResponse: workedExamples[0]!.input.aiResponse };
    const empty = { studentMessage: question, aiResponse: "" };
    fc.assert(
      fc.property(meta, meta, (a, b) => {
        expect(scoreMessage(withMeta(empty, a)).score).toBeLessThan(scoreMessage(withMeta(good, b)).score);
      }),
    );
  });

  it("adding negative feedback never raises the score", () => {
    fc.assert(
      fc.property(messageInput, (input) => {
        const before = scoreMessage(input).score;
        expect(scoreMessage({ ...input, feedback: "down" }).score).toBeLessThanOrEqual(before);
        expect(scoreMessage({ ...input, flagged: true }).score).toBeLessThanOrEqual(before);
        if (input.rating === undefined || !(input.rating >= 1 && input.rating <= 5)) {
          expect(scoreMessage({ ...input, rating: 1 }).score).toBeLessThanOrEqual(before);
        }
      }),
    );
  });

  it("a higher rating never lowers the score", () => {
    fc.assert(
      fc.property(messageInput, fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), (input, r1, r2) => {
        const [low, high] = r1 <= r2 ? [r1, r2] : [r2, r1];
        expect(scoreMessage({ ...input, rating: low }).score).toBeLessThanOrEqual(scoreMessage({ ...input, rating: high }).score);
      }),
    );
  });

  it("a slower answer never scores higher", () => {
    fc.assert(
      fc.property(messageInput, fc.nat(300), fc.nat(300), (input, s1, s2) => {
        const t0 = new Date("2026-03-02T10:00:00Z");
        const at = (s: number): MessageInput => ({ ...input, createdAt: t0, respondedAt: new Date(t0.getTime() + s * 1000) });
        const [fast, slow] = s1 <= s2 ? [s1, s2] : [s2, s1];
        expect(scoreMessage(at(slow)).score).toBeLessThanOrEqual(scoreMessage(at(fast)).score);
      }),
    );
  });
});
