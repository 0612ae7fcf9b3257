import { codePointLength, hasLetter, tokenise, wordEquivalents } from "../text.js";
import { ramp } from "../ramp.js";

/**
 * Readability for a student: the two ingredients of LIX (Björnsson's readability index, used across
 * European languages), scored separately so that Chinese or Japanese text, which has no "long
 * words", can still be scored on the first.
 *
 * - sentence length: 1 at 20 word-equivalents per sentence or fewer, 0 at 40 or more;
 * - long words (more than 6 letters): 1 at a 25 % share or less, 0 at 55 % or more. Only used when
 *   spaced-script words make up at least half of the prose.
 *
 * The score is the mean of the parts in use. Plain explanatory English sits near LIX 40 (about
 * 15 words a sentence, 25 % long words) and scores near 1; academic prose near LIX 60 scores low.
 */
export const LONG_WORD_LETTERS = 6;

/** Sentences come from `sentencesOf(proseOf(answer))`; null when the answer has no prose (code only). */
export function readability(sentences: readonly string[]): number | null {
  let words = 0;
  let spacedWords = 0;
  let longWords = 0;
  for (const sentence of sentences) {
    const tokens = tokenise(sentence);
    words += wordEquivalents(tokens);
    spacedWords += tokens.words.length;
    for (const w of tokens.words) if (codePointLength(w) > LONG_WORD_LETTERS && hasLetter(w)) longWords++;
  }
  if (words === 0 || sentences.length === 0) return null;
  const sentenceScore = ramp(words / sentences.length, 40, 20);
  if (spacedWords < words / 2) return sentenceScore;
  const wordScore = ramp(longWords / spacedWords, 0.55, 0.25);
  return (sentenceScore + wordScore) / 2;
}
