import fc from "fast-check";

/**
 * Generators of message pairs for property tests: realistic words in several scripts, answers with
 * Markdown and code, failure phrases, and raw noise (any code point, lone surrogates), so the
 * properties cover what production can hold.
 */
const fragments = [
  "plants", "glucose", "photosynthesis", "derivative", "function", "revolution", "the", "and", "of", "is",
  "Why?", "Because.", "\n", "\n\n", "- ", "1. ", "# ", "**bold**", "`code`", "```python\nprint(1)\n```", "```",
  "https://example.com/a", "👍🏽", "🎉", "光合作用", "是", "什么", "。", "コーヒー", "학교에서", "ภาษาไทย",
  "التمثيل", "الضوئي", "؟", "פוטוסינתזה", "प्रकाश", "।", "Фотосинтез", "3.14", "1789", "e.g.", ",", ":", "...",
  "I'm sorry, but I can't help with that.", "Error: 500", "undefined", "[object Object]", "Let's try.",
];

const utf16Unit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

export const text = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.constantFrom(...fragments), { maxLength: 60 }).map((parts) => parts.join(" ")) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 80 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 80 }) },
  { weight: 1, arbitrary: fc.string({ unit: utf16Unit, maxLength: 80 }) },
);

const t0 = Date.UTC(2026, 2, 2, 10);
export const createdAt = fc.option(fc.date({ min: new Date(t0 - 86_400_000), max: new Date(t0 + 86_400_000) }), { nil: undefined });
export const seconds = fc.oneof(fc.integer({ min: -5, max: 200 }), fc.double({ min: 0, max: 1e6, noNaN: true }));
export const rating = fc.option(fc.oneof(fc.integer({ min: -1, max: 7 }), fc.double()), { nil: undefined });
export const thumbs = fc.option(fc.constantFrom("up", "down", "UP", " down ", "meh", ""), { nil: undefined });
export const flagged = fc.option(fc.boolean(), { nil: undefined });

/** A scoring input with any combination of present, absent and odd optional fields. */
export const messageInput = fc
  .record({ studentMessage: text, aiResponse: text, createdAt, wait: fc.option(seconds, { nil: undefined }), rating, feedback: thumbs, flagged })
  .map(({ wait, ...input }) => ({
    ...input,
    respondedAt: input.createdAt && wait !== undefined ? new Date(input.createdAt.getTime() + wait * 1000) : undefined,
  }));

/** A raw document as MongoDB might hold it: any field may be missing or of any type. */
export const rawDocument = fc.record(
  {
    _id: fc.anything(),
    userId: fc.anything(),
    category: fc.oneof(fc.constantFrom("activity", "question", "profilechat", "onboarding", "system", "Question "), fc.anything()),
    studentMessage: fc.oneof(text, fc.anything()),
    aiResponse: fc.oneof(text, fc.anything()),
    createdAt: fc.oneof(fc.date(), fc.anything()),
    respondedAt: fc.oneof(fc.date(), fc.string(), fc.anything()),
    rating: fc.anything(),
    feedback: fc.anything(),
    flagged: fc.anything(),
    tokens: fc.anything(),
  },
  { requiredKeys: [] },
);
