import { STOPWORDS } from "./stopwords.js";

/**
 * Scripts written without spaces between words (CJK, Thai and neighbours). Their words cannot be
 * found by splitting on spaces, so they are matched as overlapping character bigrams instead.
 * Hangul is included: Korean attaches particles to words ("학교에서"), and bigrams still match the
 * stem ("학교"). Script_Extensions brings in marks shared between scripts (ー, 々).
 */
const UNSPACED = String.raw`[[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}]&&[\p{L}\p{M}\p{N}]]`;

// One pass, two kinds of run: group 1 an unspaced-script run, group 2 a word of any other script.
// Built with `new RegExp` because the `v` flag (set subtraction) is newer than the ES2022 target.
const TOKEN = new RegExp(String.raw`(${UNSPACED}+)|([[\p{L}\p{M}\p{N}]--${UNSPACED}]+)`, "gv");

const LETTER = /\p{L}/u;

/** Prefix length for matching words: a crude stemmer that works for suffix-inflecting languages. */
export const PREFIX_LENGTH = 6;

/** Spaced-script words and unspaced-script runs of a text, after NFKC and lower-casing. */
export interface Tokens {
  words: string[];
  runs: string[];
}

/** NFKC folds full-width and compatibility forms (ｆｕｌｌ → full, ﬁ → fi) so both sides compare alike. */
export function normalise(text: string): string {
  return text.normalize("NFKC").toLowerCase();
}

export function tokenise(text: string): Tokens {
  const words: string[] = [];
  const runs: string[] = [];
  for (const m of normalise(text).matchAll(TOKEN)) {
    if (m[1] !== undefined) runs.push(m[1]);
    else words.push(m[0]);
  }
  return { words, runs };
}

/** Code points in a string (an astral character such as 𠀀 is one, not two). */
export function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

/**
 * Text length in word-equivalents: one per spaced-script word, one per two unspaced-script
 * characters (Chinese and Japanese words average about two characters), so lengths compare across
 * scripts.
 */
export function wordEquivalents(tokens: Tokens): number {
  let chars = 0;
  for (const run of tokens.runs) chars += codePointLength(run);
  return tokens.words.length + chars / 2;
}

function prefix(word: string): string {
  if (word.length <= PREFIX_LENGTH) return word;
  // Do not cut a surrogate pair in half.
  const high = word.charCodeAt(PREFIX_LENGTH - 1);
  return word.slice(0, high >= 0xd800 && high <= 0xdbff ? PREFIX_LENGTH + 1 : PREFIX_LENGTH);
}

/**
 * The terms that carry a text's topic: spaced-script words that are not stopwords and have at
 * least two characters, cut to their first six; plus the character bigrams of unspaced runs (a
 * one-character run counts as itself).
 */
export function contentTerms(tokens: Tokens): Set<string> {
  const terms = new Set<string>();
  for (const w of tokens.words) {
    if (codePointLength(w) < 2 || STOPWORDS.has(w)) continue;
    terms.add(prefix(w));
  }
  for (const run of tokens.runs) {
    const chars = Array.from(run);
    if (chars.length === 1) terms.add(run);
    for (let i = 0; i + 1 < chars.length; i++) terms.add(chars[i]! + chars[i + 1]!);
  }
  return terms;
}

/** Whether a word has a letter (numbers are words for length, not "long words" for readability). */
export function hasLetter(word: string): boolean {
  return LETTER.test(word);
}
