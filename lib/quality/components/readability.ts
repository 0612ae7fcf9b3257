import { ramp } from "../ramp.js";
import { sentenceCount, wordCount, wordEquivalents, type TextScan } from "../text.js";

/**
 * Readability for a student: the two ingredients of LIX (Björnsson's readability index, used across
 * European languages), scored separately so that Chinese or Japanese text, which has no "long
 * words", can still be scored on the first.
 *
 * - sentence length: 1 at 15 word-equivalents per sentence or fewer (plain-language guides ask
 *   for 15-20), 0 at 30 or more;
 * - long words (more than 6 letters, `TextScan.longWords`): 1 at a 25 % share or less, 0 at 50 %
 *   or more. Only used when spaced-script words make up at least half of the prose.
 *
 * The score is the mean of the parts in use. Plain explanatory English (LIX 40: 15 words a
 * sentence, 25 % long words) scores 1, LIX 50 about 0.75, academic prose at LIX 60 about 0.5.
 *
 * `prose` is the scan of the answer's prose (`proseOf`); null when it has none (code only, empty).
 */
export function readability(prose: TextScan): number | null {
  const words = wordEquivalents(prose);
  const sentences = sentenceCount(prose);
  if (words === 0 || sentences === 0) return null;
  const sentenceScore = ramp(words / sentences, 30, 15);
  const spacedWords = wordCount(prose);
  if (spacedWords < words / 2) return sentenceScore;
  const wordScore = ramp(prose.longWords / spacedWords, 0.5, 0.25);
  return (sentenceScore + wordScore) / 2;
}
