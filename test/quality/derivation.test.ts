import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { COMPONENT_NAMES, messageQuality, QUALITY_VERSION, scoreMessage } from "../../lib/quality/index.js";
import { rawDocument } from "./arbitraries.js";

const columnNames = messageQuality.columns.map((c) => c.name);
const allNull = Object.fromEntries(columnNames.map((n) => [n, null]));

const doc = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  _id: "65f0c0ffee0000000000abcd",
  userId: "65f0c0ffee0000000000beef",
  category: "question",
  studentMessage: "How do plants make glucose during photosynthesis?",
  aiResponse: "Plants make glucose in their leaves during photosynthesis, using sunlight, water and carbon dioxide.",
  createdAt: new Date("2026-03-02T10:00:00Z"),
  respondedAt: new Date("2026-03-02T10:00:04Z"),
  ...over,
});

describe("messageQuality columns", () => {
  it("declares the overall score, one column per component, the flags and the version", () => {
    expect(columnNames).toEqual([
      "quality_score",
      "quality_relevance",
      "quality_completeness",
      "quality_readability",
      "quality_integrity",
      "quality_latency",
      "quality_feedback",
      "quality_flags",
      "quality_version",
    ]);
    expect(messageQuality.columns.filter((c) => c.type === "double").map((c) => c.name)).toEqual([
      "quality_score",
      ...COMPONENT_NAMES.map((n) => `quality_${n}`),
    ]);
    for (const c of messageQuality.columns) {
      expect(c.name).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(c.description.length).toBeGreaterThan(0);
    }
  });

  it("has a version string that follows semantic versioning", () => {
    expect(QUALITY_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe("messageQuality.derive", () => {
  it("writes the score, its components, flags and version for a scored message", () => {
    const d = doc({ rating: 5 });
    const expected = scoreMessage({
      studentMessage: d.studentMessage as string,
      aiResponse: d.aiResponse as string,
      createdAt: d.createdAt as Date,
      respondedAt: d.respondedAt as Date,
      rating: 5,
    });
    expect(messageQuality.derive(d)).toEqual({
      values: {
        quality_score: expected.score,
        quality_relevance: expected.components.relevance,
        quality_completeness: expected.components.completeness,
        quality_readability: expected.components.readability,
        quality_integrity: expected.components.integrity,
        quality_latency: expected.components.latency,
        quality_feedback: expected.components.feedback,
        quality_flags: null,
        quality_version: QUALITY_VERSION,
      },
    });
  });

  it("joins failure flags with commas", () => {
    const { values } = messageQuality.derive(doc({ aiResponse: "I'm sorry, but I can't help with that." }));
    expect(values.quality_flags).toBe("refusal,off_topic");
    expect(values.quality_score).toBeLessThanOrEqual(10);
  });

  it("scores activity, question and profilechat only (any case, spaces trimmed)", () => {
    for (const category of ["activity", "question", "profilechat", " Question ", "PROFILECHAT"]) {
      const { values, note } = messageQuality.derive(doc({ category }));
      expect(values.quality_score, category).toEqual(expect.any(Number));
      expect(values.quality_version).toBe(QUALITY_VERSION);
      expect(note).toBeUndefined();
    }
  });

  it("leaves every value null, with no note, for other categories", () => {
    for (const category of ["onboarding", "system", "feedback", "", undefined, null, 42, ["question"]]) {
      expect(messageQuality.derive(doc({ category }))).toEqual({ values: allNull });
    }
  });

  it("leaves a scored message it cannot score null, with the reason as a note", () => {
    expect(messageQuality.derive(doc({ studentMessage: undefined }))).toEqual({ values: allNull, note: "unscorable: studentMessage missing" });
    expect(messageQuality.derive(doc({ aiResponse: 42 }))).toEqual({ values: allNull, note: "unscorable: aiResponse not a string" });
    expect(messageQuality.derive(doc({ studentMessage: null, aiResponse: undefined }))).toEqual({
      values: allNull,
      note: "unscorable: studentMessage and aiResponse missing",
    });
  });

  it("does not let an unscorable message of another category raise a note", () => {
    expect(messageQuality.derive(doc({ category: "system", aiResponse: undefined }))).toEqual({ values: allNull });
  });

  it("turns an unforeseen failure into a note instead of throwing", () => {
    const hostile = doc();
    Object.defineProperty(hostile, "aiResponse", {
      enumerable: true,
      get() {
        throw new Error("boom");
      },
    });
    expect(messageQuality.derive(hostile)).toEqual({ values: allNull, note: "unscorable: internal error" });
  });
});

describe("robustness", () => {
  const scored = (over: Record<string, unknown>): Record<string, unknown> => {
    const { values, note } = messageQuality.derive(doc(over));
    expect(note).toBeUndefined();
    expect(values.quality_score).toBeGreaterThanOrEqual(0);
    expect(values.quality_score).toBeLessThanOrEqual(100);
    return values;
  };

  it("scores 100 KB texts", () => {
    const para = "Photosynthesis turns light, water and carbon dioxide into glucose and oxygen. ";
    const big = para.repeat(Math.ceil(100_000 / para.length));
    expect(big.length).toBeGreaterThanOrEqual(100_000);
    const values = scored({ studentMessage: big, aiResponse: big.replaceAll("glucose", "sugar") });
    expect(values.quality_flags).toContain("repetitive");
    scored({ aiResponse: "x".repeat(100_000) });
    scored({ aiResponse: "光".repeat(100_000) });
    scored({ aiResponse: "```\n" + "code();\n".repeat(15_000) });
    scored({ aiResponse: "`".repeat(100_000) });
    scored({ aiResponse: "http://".repeat(15_000) });
    scored({ aiResponse: "\uD800".repeat(100_000) });
  });

  it("scores emoji, Markdown, code, right-to-left and CJK text", () => {
    scored({ aiResponse: "Great question! 🎉🌱 Plants use **sunlight** 🌞 to make _glucose_. 👍🏽" });
    scored({ aiResponse: "## Steps\n1. Light is absorbed\n2. Water is split\n\n| in | out |\n|---|---|\n| CO2 | O2 |" });
    scored({ aiResponse: "```python\ndef photosynthesis(light, water):\n    return 'glucose'\n```" });
    scored({ studentMessage: "ما هو التمثيل الضوئي؟", aiResponse: "التمثيل الضوئي هو عملية تستخدم فيها النباتات ضوء الشمس لصنع الغذاء." });
    scored({ studentMessage: "מהי פוטוסינתזה?", aiResponse: "פוטוסינתזה היא התהליך שבו צמחים מייצרים סוכר מאור." });
    scored({ studentMessage: "光合作用とは何ですか？", aiResponse: "光合作用とは、植物が光を使って糖を作る仕組みです。" });
    scored({ studentMessage: "광합성이 뭐예요?", aiResponse: "광합성은 식물이 빛으로 양분을 만드는 과정입니다." });
    scored({ studentMessage: "", aiResponse: "" });
  });

  it("never throws and always returns every column, for any document", () => {
    fc.assert(
      fc.property(rawDocument, (raw) => {
        const result = messageQuality.derive(raw);
        expect(Object.keys(result.values).sort()).toEqual([...columnNames].sort());
        if (result.note !== undefined) expect(result.note).toMatch(/^unscorable: /);
        const score = result.values.quality_score;
        if (score !== null) {
          expect(score).toBeGreaterThanOrEqual(0);
          expect(score).toBeLessThanOrEqual(100);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("never throws for values that are not documents at all", () => {
    for (const value of [null, undefined, 42, "question", [], new Date()]) {
      expect(() => messageQuality.derive(value as never)).not.toThrow();
    }
  });
});
