import { completeness } from "./components/completeness.js";
import { feedback } from "./components/feedback.js";
import { failureFlags, HARD_FAILURES, integrity, type FailureFlag } from "./components/integrity.js";
import { latency } from "./components/latency.js";
import { readability } from "./components/readability.js";
import { relevance } from "./components/relevance.js";
import type { MessageInput } from "./input.js";
import { proseOf } from "./prose.js";
import { contentTerms, sharedTerms } from "./terms.js";
import { scanText, wordEquivalents } from "./text.js";

/**
 * Weights of the components in the overall score (they sum to 1). Relevance is the strongest signal
 * computable for every message; integrity catches outright failures; student feedback is the most
 * direct judgement but sparse and noisy; length and readability matter less than being on topic;
 * latency shapes the experience, not the answer.
 */
export const WEIGHTS = {
  relevance: 0.3,
  completeness: 0.15,
  readability: 0.1,
  integrity: 0.2,
  latency: 0.05,
  feedback: 0.2,
} as const;

export type ComponentName = keyof typeof WEIGHTS;
export const COMPONENT_NAMES = Object.keys(WEIGHTS) as ComponentName[];

/** A hard failure (no answer at all) never scores above this, however the rest looks. */
export const HARD_FAILURE_CAP = 10;

export interface QualityScore {
  /** 0-100, two decimals. */
  score: number;
  /** Each 0-1, four decimals; null when it cannot be computed for this message. */
  components: Record<ComponentName, number | null>;
  /** Failure signs found, in FAILURE_FLAGS order. */
  flags: FailureFlag[];
}

/** Rounding fixes the stored precision, so reruns and other readers reproduce the same numbers. */
export function round(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}

/**
 * The overall score from (rounded) components: the weighted mean of those available, weights
 * re-normalised over them, times 100; capped at HARD_FAILURE_CAP after a hard failure.
 */
export function combine(components: Record<ComponentName, number | null>, hardFailure: boolean): number {
  let sum = 0;
  let weight = 0;
  for (const name of COMPONENT_NAMES) {
    const value = components[name];
    if (value === null) continue;
    sum += WEIGHTS[name] * value;
    weight += WEIGHTS[name];
  }
  const score = weight > 0 ? (100 * sum) / weight : 0;
  return round(hardFailure ? Math.min(score, HARD_FAILURE_CAP) : score, 2);
}

function rounded(value: number | null): number | null {
  return value === null ? null : round(value, 4);
}

/** The quality of one message pair: a pure function of its fields. */
export function scoreMessage(input: MessageInput): QualityScore {
  const student = scanText(input.studentMessage);
  const studentTerms = contentTerms(student);
  const answer = scanText(input.aiResponse);
  const prose = proseOf(input.aiResponse);
  // Most answers have no code or links: their prose is the answer, already scanned.
  const proseScan = prose === input.aiResponse ? answer : scanText(prose);
  const shared = sharedTerms(studentTerms, answer);
  const answerWords = wordEquivalents(answer);
  const flags = failureFlags({
    answer: input.aiResponse,
    student: input.studentMessage,
    answerWords,
    prose: proseScan,
    studentTerms: studentTerms.size,
    sharedTerms: shared,
  });

  const components: Record<ComponentName, number | null> = {
    relevance: rounded(relevance(shared, studentTerms.size)),
    completeness: rounded(completeness(answerWords, wordEquivalents(student))),
    readability: rounded(readability(proseScan)),
    integrity: rounded(integrity(flags)),
    latency: rounded(latency(input.createdAt, input.respondedAt)),
    feedback: rounded(feedback(input.rating, input.feedback, input.flagged)),
  };
  return { score: combine(components, flags.some((f) => HARD_FAILURES.has(f))), components, flags };
}
