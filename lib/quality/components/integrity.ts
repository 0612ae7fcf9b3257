import {
  ERROR_OPENINGS,
  ERROR_VALUES,
  GENERIC_OFFER,
  LEAKED_OBJECT,
  LINK,
  MID_SENTENCE_CHAR,
  REDIRECTS,
  REFUSAL_OPENINGS,
  UNPUNCTUATED_LINE,
} from "../failure-patterns.js";
import { hasUnclosedFence } from "../prose.js";
import { normalise, type TextScan } from "../text.js";

/**
 * Integrity: signs that the answer failed rather than answered badly.
 *
 * Hard failures (the student got no answer at all) make integrity 0 and cap the overall score:
 * - empty: no word at all (whitespace, punctuation, emoji only);
 * - refusal: opens with a refusal, is short (≤ 60 word-equivalents) and offers nothing instead;
 * - error: an error message or a leaked value ("undefined", "[object Object]") as the answer;
 * - echo: the answer repeats the student's text.
 * Soft failures (an answer, damaged) cost 0.5 each:
 * - off_topic: the student's text has 3+ content terms and the answer uses none of them (this
 *   includes answering in another language than the student's, a failure for the student too);
 * - truncated: an unclosed code fence, or a longer answer (≥ 20 word-equivalents) whose last line
 *   stops mid-sentence (on a letter, digit, comma, colon, dash or open bracket), unless that line
 *   is a list item, heading, table row, quote or link, which may end bare;
 * - repetitive: a sentence of 20+ characters appearing three or more times (a generation loop).
 */
export const FAILURE_FLAGS = ["empty", "refusal", "error", "echo", "off_topic", "truncated", "repetitive"] as const;
export type FailureFlag = (typeof FAILURE_FLAGS)[number];
export const HARD_FAILURES: ReadonlySet<FailureFlag> = new Set(["empty", "refusal", "error", "echo"]);

export const REFUSAL_MAX_WORDS = 60;
export const ERROR_MAX_WORDS = 40;
export const TRUNCATION_MIN_WORDS = 20;
export const OFF_TOPIC_MIN_TERMS = 3;
export const SOFT_FAILURE_COST = 0.5;
const REPEATED_SENTENCE_CHARS = 20;
const REPEATED_SENTENCE_TIMES = 3;
// Failure phrases sit at the start or end; looking further would cost time on 100 KB answers.
const OPENING_CHARS = 300;
const TAIL_CHARS = 300;

export interface AnswerFacts {
  answer: string;
  student: string;
  answerWords: number;
  /** Scan of the answer's prose (`proseOf`). */
  prose: TextScan;
  /** Distinct content terms of the student text, and how many of them the answer shares. */
  studentTerms: number;
  sharedTerms: number;
}

function straighten(text: string): string {
  return normalise(text).replace(/[\u2018\u2019\u02bc]/g, "'");
}

function isRefusal(facts: AnswerFacts, open: string): boolean {
  if (facts.answerWords > REFUSAL_MAX_WORDS) return false;
  if (!REFUSAL_OPENINGS.some((re) => re.test(open))) return false;
  // The sentences that might redirect, without the stock "anything else?" offer.
  const rest = straighten(facts.answer)
    .split(/(?<=[.!?。！？])\s*/)
    .filter((sentence) => !GENERIC_OFFER.test(sentence));
  return !rest.some((sentence) => REDIRECTS.test(sentence));
}

function isError(facts: AnswerFacts, open: string): boolean {
  if (facts.answer.slice(0, OPENING_CHARS).includes(LEAKED_OBJECT)) return true;
  return facts.answerWords <= ERROR_MAX_WORDS && (ERROR_OPENINGS.test(open) || ERROR_VALUES.test(open));
}

function collapse(text: string): string {
  return normalise(text).replace(/\s+/g, " ").trim();
}

function isEcho(facts: AnswerFacts): boolean {
  const a = facts.answer.trim();
  const s = facts.student.trim();
  // Cheap length test first: an echo is about as long as what it echoes.
  if (Math.abs(a.length - s.length) > 0.2 * Math.max(a.length, s.length)) return false;
  return collapse(a) === collapse(s);
}

function isTruncated(facts: AnswerFacts): boolean {
  if (hasUnclosedFence(facts.answer)) return true;
  if (facts.answerWords < TRUNCATION_MIN_WORDS) return false;
  const tail = facts.answer.slice(-TAIL_CHARS).trimEnd();
  const lastLine = tail.slice(tail.lastIndexOf("\n") + 1);
  const lastWord = lastLine.slice(lastLine.lastIndexOf(" ") + 1);
  if (UNPUNCTUATED_LINE.test(lastLine) || LINK.test(lastWord)) return false;
  // The last character, whole when it is a surrogate pair (end-anchored regexes scan the whole line).
  const low = lastLine.charCodeAt(lastLine.length - 1);
  return MID_SENTENCE_CHAR.test(lastLine.slice(low >= 0xdc00 && low <= 0xdfff ? -2 : -1));
}

function isRepetitive({ text, sentences }: TextScan): boolean {
  // A loop repeats a sentence verbatim, so copies have equal lengths: only lengths seen three
  // times need their sentences compared, which keeps this cheap for the usual answer.
  const lengths = new Map<number, number>();
  let candidates = false;
  for (let j = 0; j < sentences.length; j += 2) {
    const length = sentences[j + 1]! - sentences[j]!;
    if (length < REPEATED_SENTENCE_CHARS) continue;
    const n = (lengths.get(length) ?? 0) + 1;
    lengths.set(length, n);
    if (n >= REPEATED_SENTENCE_TIMES) candidates = true;
  }
  if (!candidates) return false;
  const seen = new Map<string, number>();
  for (let j = 0; j < sentences.length; j += 2) {
    const length = sentences[j + 1]! - sentences[j]!;
    if ((lengths.get(length) ?? 0) < REPEATED_SENTENCE_TIMES) continue;
    const sentence = text.slice(sentences[j], sentences[j + 1]);
    const n = (seen.get(sentence) ?? 0) + 1;
    if (n >= REPEATED_SENTENCE_TIMES) return true;
    seen.set(sentence, n);
  }
  return false;
}

export function failureFlags(facts: AnswerFacts): FailureFlag[] {
  if (facts.answerWords === 0) return ["empty"];
  // Refusal and error checks only apply to short answers; a long one is read no further.
  const open = facts.answerWords <= REFUSAL_MAX_WORDS ? straighten(facts.answer.slice(0, OPENING_CHARS)).trim() : "";
  const flags: FailureFlag[] = [];
  if (isRefusal(facts, open)) flags.push("refusal");
  if (isError(facts, open)) flags.push("error");
  if (isEcho(facts)) flags.push("echo");
  if (facts.studentTerms >= OFF_TOPIC_MIN_TERMS && facts.sharedTerms === 0) flags.push("off_topic");
  if (isTruncated(facts)) flags.push("truncated");
  if (isRepetitive(facts.prose)) flags.push("repetitive");
  return flags;
}

/** 0 on any hard failure, else 1 less 0.5 per soft failure (0 from two on). */
export function integrity(flags: readonly FailureFlag[]): number {
  if (flags.some((f) => HARD_FAILURES.has(f))) return 0;
  return Math.max(0, 1 - SOFT_FAILURE_COST * flags.length);
}
