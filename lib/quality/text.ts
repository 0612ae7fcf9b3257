/**
 * One linear pass over a text that yields its words and sentences: everything the components need
 * from the text itself. No regex per word, no string per word (words are offsets, sliced only when
 * a component needs one) and no quadratic step, so a 100 KB answer costs 100 times a 1 KB one.
 */

/*
 * Which characters make words, and how. Scripts written without spaces between words (CJK, Thai
 * and neighbours) cannot be split into words on spaces, so their characters form "runs" that are
 * matched as character bigrams. Hangul is counted with them: Korean attaches particles to words
 * ("학교에서"), and bigrams still match the stem ("학교"). Script_Extensions brings in marks the
 * scripts share (ー, 々).
 */
const UNSPACED = String.raw`[[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}]&&[\p{L}\p{M}\p{N}]]`;

// Built with `new RegExp`: the `v` flag (set operations) is newer than the ES2022 target.
const UNSPACED_CHAR = new RegExp(`^${UNSPACED}$`, "v");
const WORD_CHAR = /^[\p{L}\p{M}\p{N}]$/u;

// Local constants, not imported ones: some loaders (tsx, vitest) turn imported bindings into
// property getters, which made the scan loop five times slower.
const SEPARATOR = 0;
const WORD = 1;
const RUN = 2;
type CharClass = typeof SEPARATOR | typeof WORD | typeof RUN;

// Each distinct character is classified by regex once, then looked up: a regex per character of a
// 100 KB text would be the slowest part of scoring.
const UNKNOWN = 255;
const bmpClasses = new Uint8Array(0x10000).fill(UNKNOWN);
const astralClasses = new Map<number, CharClass>();
const ASTRAL_CACHE_LIMIT = 10_000; // a text of random astral characters must not grow memory

function classify(char: string): CharClass {
  if (UNSPACED_CHAR.test(char)) return RUN;
  return WORD_CHAR.test(char) ? WORD : SEPARATOR;
}

/** Class of a UTF-16 code unit outside the surrogate range (surrogates are separators here). */
function bmpClass(code: number): CharClass {
  let k = bmpClasses[code]!;
  if (k === UNKNOWN) {
    k = code >= 0xd800 && code <= 0xdfff ? SEPARATOR : classify(String.fromCharCode(code));
    bmpClasses[code] = k;
  }
  return k as CharClass;
}

function astralClass(codePoint: number): CharClass {
  let k = astralClasses.get(codePoint);
  if (k === undefined) {
    k = classify(String.fromCodePoint(codePoint));
    if (astralClasses.size < ASTRAL_CACHE_LIMIT) astralClasses.set(codePoint, k);
  }
  return k;
}

/** Words of more than this many characters are "long" (LIX's definition, used by readability). */
export const LONG_WORD_LETTERS = 6;

export interface TextScan {
  /** The normalised text the offsets refer to. */
  text: string;
  /** Words of spaced scripts (Latin, Cyrillic, Arabic, Devanagari, …) as [start, end) offset pairs, flat: s0, e0, s1, e1, … */
  words: number[];
  /** Runs of unspaced-script characters (Chinese, Japanese, Korean, Thai, …). */
  runs: string[];
  /** Sentences that hold a word or run, as [start, end) offset pairs, flat: s0, e0, s1, e1, … */
  sentences: number[];
  /** Words of more than LONG_WORD_LETTERS characters with a letter in them (numbers are not long words). */
  longWords: number;
}

const NON_ASCII = /[\u0080-\uffff]/;

/**
 * NFKC folds full-width and compatibility forms (ｆｕｌｌ → full, ﬁ → fi) so both sides compare alike.
 * ASCII text is its own NFKC form, so most answers skip the (costlier) normalisation.
 */
export function normalise(text: string): string {
  return (NON_ASCII.test(text) ? text.normalize("NFKC") : text).toLowerCase();
}

function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0x3000 || (code >= 0x2000 && code <= 0x200b);
}

/**
 * Whether the separator at `i` ends a sentence: a line break (list items and headings end there);
 * `.`, `!`, `?` or `؟` before a space, the end or an unspaced-script character (so 3.14 and e.g.x
 * do not split); `。` or `।` anywhere.
 */
function endsSentence(s: string, i: number, code: number): boolean {
  if (code === 10 || code === 0x3002 || code === 0x964) return true;
  if (code !== 46 && code !== 33 && code !== 63 && code !== 0x61f) return false;
  if (i + 1 === s.length) return true;
  const next = s.charCodeAt(i + 1);
  return isSpace(next) || bmpClass(next) === RUN;
}

const LETTER = /\p{L}/u;

function isLongWord(s: string, start: number, end: number): boolean {
  // UTF-16 length bounds the code point count, so most words are decided without counting.
  const length = end - start;
  if (length <= LONG_WORD_LETTERS) return false;
  if (length <= 2 * LONG_WORD_LETTERS && codePointLength(s, start, end) <= LONG_WORD_LETTERS) return false;
  const first = s.charCodeAt(start);
  return (first >= 0x61 && first <= 0x7a) || LETTER.test(s.slice(start, end));
}

export function scanText(raw: string): TextScan {
  const text = normalise(raw);
  const n = text.length;
  const words: number[] = [];
  const runs: string[] = [];
  const sentences: number[] = [];
  let longWords = 0;
  let kind: CharClass = SEPARATOR;
  let start = 0; // of the current word or run
  let sentenceStart = -1; // of the current sentence's first word, -1 before it
  let sentenceEnd = 0; // after its last word so far
  for (let i = 0; i < n; ) {
    const code = text.charCodeAt(i);
    let k: CharClass;
    let width = 1;
    if (code < 0xd800 || code > 0xdbff || i + 1 === n) k = bmpClass(code);
    else {
      const codePoint = text.codePointAt(i)!;
      width = codePoint > 0xffff ? 2 : 1;
      k = width === 2 ? astralClass(codePoint) : SEPARATOR;
    }
    if (k !== kind) {
      // Close the word or run that ends here (repeated after the loop for the last one: a closure
      // would move these variables off the registers and slow the loop by a third).
      if (kind === WORD) {
        words.push(start, i);
        if (i - start > LONG_WORD_LETTERS && isLongWord(text, start, i)) longWords++;
      } else if (kind === RUN) runs.push(text.slice(start, i));
      if (kind !== SEPARATOR) sentenceEnd = i;
      if (k !== SEPARATOR && sentenceStart < 0) sentenceStart = i;
      start = i;
      kind = k;
    }
    if (k === SEPARATOR && code !== 32 && sentenceStart >= 0 && endsSentence(text, i, code)) {
      sentences.push(sentenceStart, sentenceEnd);
      sentenceStart = -1;
    }
    i += width;
  }
  if (kind === WORD) {
    words.push(start, n);
    if (n - start > LONG_WORD_LETTERS && isLongWord(text, start, n)) longWords++;
  } else if (kind === RUN) runs.push(text.slice(start));
  if (kind !== SEPARATOR) sentenceEnd = n;
  if (sentenceStart >= 0) sentences.push(sentenceStart, sentenceEnd);
  return { text, words, runs, sentences, longWords };
}

/** Code points in s[start, end) (an astral character such as 𠀀 is one, not two). */
export function codePointLength(s: string, start = 0, end = s.length): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

export function wordCount(scan: TextScan): number {
  return scan.words.length / 2;
}

/** The words as strings (for the short student text, tests and docs; the answer stays in offsets). */
export function wordStrings(scan: TextScan): string[] {
  const out: string[] = [];
  for (let j = 0; j < scan.words.length; j += 2) out.push(scan.text.slice(scan.words[j], scan.words[j + 1]));
  return out;
}

/**
 * Length in word-equivalents: one per spaced-script word, one per two unspaced-script characters
 * (Chinese and Japanese words average about two characters), so lengths compare across scripts.
 */
export function wordEquivalents(scan: TextScan): number {
  let chars = 0;
  for (const run of scan.runs) chars += codePointLength(run);
  return wordCount(scan) + chars / 2;
}

export function sentenceCount(scan: TextScan): number {
  return scan.sentences.length / 2;
}
