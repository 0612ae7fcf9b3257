import type { MessageInput } from "../../lib/quality/index.js";

/**
 * The worked examples of docs/quality-scoring.md, with the numbers worked out by hand from the
 * method (the counts are in the comments). score.test.ts checks the code agrees; docs.test.ts
 * checks the document shows these numbers.
 */
export interface WorkedExample {
  name: string;
  input: MessageInput;
  components: Record<"relevance" | "completeness" | "readability" | "integrity" | "latency" | "feedback", number | null>;
  flags: string[];
  score: number;
}

const t0 = new Date("2026-03-02T10:00:00Z");
const after = (seconds: number): Date => new Date(t0.getTime() + seconds * 1000);

const photosynthesis = "How do plants make glucose during photosynthesis?";

export const workedExamples: WorkedExample[] = [
  {
    // Student: 7 words; content terms plants, glucos(e), photos(ynthesis) (how/do/make/during are
    // stopwords). Answer: 51 words in 5 sentences, all three terms reused → relevance min(1, 3/1.5) = 1.
    // Floor max(10, 2×7) = 14 ≤ 51 ≤ 400 → completeness 1. 10.2 words/sentence → 1; long words
    // glucose, chlorophyll, captures, sunlight, hydrogen, dioxide, glucose, released, product,
    // photosynthesis, dioxide = 11/51 = 0.216 ≤ 0.25 → 1; readability 1. Latency 14 s →
    // (60-14)/50 = 0.92. Rating 4 → 3/4 = 0.75.
    // Score 100 × (0.3 + 0.15 + 0.1 + 0.2 + 0.05×0.92 + 0.2×0.75) / 1.0 = 94.6.
    name: "good answer",
    input: {
      studentMessage: photosynthesis,
      aiResponse:
        "Plants make glucose in their leaves. Chlorophyll captures sunlight, and the plant uses that energy to split water. " +
        "The hydrogen from water is joined with carbon dioxide from the air to build glucose. Oxygen is released as a by-product. " +
        "In short, photosynthesis turns light, water and carbon dioxide into sugar.",
      createdAt: t0,
      respondedAt: after(14),
      rating: 4,
    },
    components: { relevance: 1, completeness: 1, readability: 1, integrity: 1, latency: 0.92, feedback: 0.75 },
    flags: [],
    score: 94.6,
  },
  {
    // Student: 13 words; terms causes, world, war, histor(y), essay. Answer: 11 words (i, m, sorry,
    // but, i, can, t, help, with, that, request), none of the terms → relevance 0 and off_topic.
    // Opens "i'm sorry, but i can't", short, no redirect → refusal (hard). Floor 26 → 11/26 =
    // 0.4231. One 11-word sentence, 1 long word (request) → readability 1. Latency 2 s → 1.
    // Thumbs down → 0. Before the cap 100 × (0.15×0.4231 + 0.1 + 0.05) = 21.35; capped at 10.
    name: "refusal",
    input: {
      studentMessage: "Can you explain the causes of World War I for my history essay?",
      aiResponse: "I'm sorry, but I can't help with that request.",
      createdAt: t0,
      respondedAt: after(2),
      feedback: "down",
    },
    components: { relevance: 0, completeness: 0.4231, readability: 1, integrity: 0, latency: 1, feedback: 0 },
    flags: ["refusal", "off_topic"],
    score: 10,
  },
  {
    // Same question as the good answer; the answer (31 words, 3 sentences) shares none of its 3
    // terms → relevance 0, off_topic → integrity 0.5. Completeness 1 (31 ≥ 14). 10.3 words a
    // sentence, 5 long words of 31 → readability 1. Latency 5 s → 1. No feedback: its weight drops
    // out and the rest is re-normalised over 0.8.
    // Score 100 × (0.15 + 0.1 + 0.2×0.5 + 0.05) / 0.8 = 50.
    name: "off-topic answer",
    input: {
      studentMessage: photosynthesis,
      aiResponse:
        "The French Revolution began in 1789. Rising bread prices and royal debt angered the people of Paris. " +
        "In July a crowd stormed the Bastille, and the monarchy soon lost its power.",
      createdAt: t0,
      respondedAt: after(5),
    },
    components: { relevance: 0, completeness: 1, readability: 1, integrity: 0.5, latency: 1, feedback: null },
    flags: ["off_topic"],
    score: 50,
  },
  {
    // Terms deriva(tive), calcul(us); the answer has no word → empty (hard), relevance 0,
    // completeness 0, no prose → readability null, latency 1 s → 1, no feedback.
    // Score 100 × (0.05×1) / (0.3 + 0.15 + 0.2 + 0.05) = 7.14 (already under the cap of 10).
    name: "empty answer",
    input: { studentMessage: "What is a derivative in calculus?", aiResponse: "", createdAt: t0, respondedAt: after(1) },
    components: { relevance: 0, completeness: 0, readability: null, integrity: 0, latency: 1, feedback: null },
    flags: ["empty"],
    score: 7.14,
  },
  {
    // Spanish. Student: 9 words; terms hojas, planta(s), son, verdes (por/qué/las/de are
    // stopwords; "son" is kept, being an English word) all reused → relevance 1. Answer 31 words,
    // 3 sentences; floor 18 → completeness 1. Long words clorofila ×2, absorbe, fotosíntesis,
    // refleja, plantas = 6/31 → readability 1. Latency 20 s → 0.8. Rating 3 → 0.5.
    // Score 100 × (0.3 + 0.15 + 0.1 + 0.2 + 0.05×0.8 + 0.2×0.5) = 89.
    name: "non-English (Spanish)",
    input: {
      studentMessage: "¿Por qué las hojas de las plantas son verdes?",
      aiResponse:
        "Las hojas son verdes por la clorofila. La clorofila absorbe la luz roja y azul para la fotosíntesis, " +
        "pero refleja la luz verde. Por eso vemos las plantas de color verde.",
      createdAt: t0,
      respondedAt: after(20),
      rating: 3,
    },
    components: { relevance: 1, completeness: 1, readability: 1, integrity: 1, latency: 0.8, feedback: 0.5 },
    flags: [],
    score: 89,
  },
  {
    // Chinese: no spaces, so character bigrams. Student run 光合作用是什么 (7 characters = 3.5
    // word-equivalents) gives 6 bigrams; the answer has 光合, 合作, 作用, 用是 → 4/3 capped at 1.
    // Answer: 37 characters = 18.5 word-equivalents in 2 sentences (。) → 9.25 a sentence → 1; no
    // spaced words, so no long-word part. Floor max(10, 7) = 10 → completeness 1. No respondedAt and
    // no feedback: both drop out, weights re-normalised over 0.75.
    // Score 100 × (0.3 + 0.15 + 0.1 + 0.2) / 0.75 = 100.
    name: "non-English (Chinese)",
    input: {
      studentMessage: "光合作用是什么？",
      aiResponse: "光合作用是植物利用光能，把二氧化碳和水变成葡萄糖和氧气的过程。它在叶绿体中进行。",
      createdAt: t0,
    },
    components: { relevance: 1, completeness: 1, readability: 1, integrity: 1, latency: null, feedback: null },
    flags: [],
    score: 100,
  },
];
