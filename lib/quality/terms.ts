import { STOPWORDS } from "./stopwords.js";
import { codePointLength, type TextScan } from "./text.js";

/** Characters of a word that matching keeps: a crude stemmer for suffix-inflecting languages. */
export const KEY_LENGTH = 6;

/** End of the key of the word s[start, end): six characters on, never inside a surrogate pair. */
function keyEnd(s: string, start: number, end: number): number {
  if (end - start <= KEY_LENGTH) return end;
  const high = s.charCodeAt(start + KEY_LENGTH - 1);
  return start + (high >= 0xd800 && high <= 0xdbff ? KEY_LENGTH + 1 : KEY_LENGTH);
}

/** The matching key of a word: its first six characters. */
export function wordKey(word: string): string {
  return word.slice(0, keyEnd(word, 0, word.length));
}

/** A word carries topic when it has two characters or more and is not a stopword. */
export function isContentWord(word: string): boolean {
  if (word.length < 3 && codePointLength(word) < 2) return false;
  return !STOPWORDS.has(word);
}

/** Terms of an unspaced run: its character bigrams, or the character itself when alone. */
export function runTerms(run: string): string[] {
  const chars = Array.from(run);
  if (chars.length === 1) return chars;
  const terms: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) terms.push(chars[i]! + chars[i + 1]!);
  return terms;
}

/** The terms that carry a text's topic: keys of its content words, terms of its unspaced runs. */
export function contentTerms(scan: TextScan): Set<string> {
  const terms = new Set<string>();
  const { text, words } = scan;
  for (let j = 0; j < words.length; j += 2) {
    const word = text.slice(words[j], words[j + 1]);
    if (isContentWord(word)) terms.add(wordKey(word));
  }
  for (const run of scan.runs) for (const term of runTerms(run)) terms.add(term);
  return terms;
}

// A counting filter on a word's first two characters: a slot counts the student terms not found
// yet that start with such a pair. Most answer words land on an empty slot and are rejected
// without a string being made of them; a collision only costs a Set lookup, it never changes the
// result. One buffer, reused (scoring is synchronous) and cleared after use: allocating one per
// call cost more than it saved. Int32 counts: a long student text can put thousands of terms in a slot.
const FILTER_SIZE = 1024;
const filter = new Int32Array(FILTER_SIZE);

function pairSlot(a: number, b: number): number {
  return (a * 31 + b) & (FILTER_SIZE - 1);
}

function termSlot(term: string): number {
  return pairSlot(term.charCodeAt(0), term.charCodeAt(1));
}

/**
 * How many of the student's distinct terms are among the answer's content terms. The answer is
 * usually the long side, so its term set is never built: its words are looked up one by one,
 * stopping when every student term is found.
 */
export function sharedTerms(studentTerms: ReadonlySet<string>, answer: TextScan): number {
  if (studentTerms.size === 0) return 0;
  const slotted: string[] = [];
  for (const term of studentTerms) {
    if (term.length < 2) continue; // a one-character term (a lone CJK character) never matches a word
    slotted.push(term);
    filter[termSlot(term)]! += 1;
  }
  const found = new Set<string>();
  try {
    const { text, words } = answer;
    for (let j = 0; j < words.length && found.size < studentTerms.size; j += 2) {
      const start = words[j]!;
      const end = words[j + 1]!;
      if (end - start < 2) continue;
      const slot = pairSlot(text.charCodeAt(start), text.charCodeAt(start + 1));
      if (filter[slot] === 0) continue;
      const key = text.slice(start, keyEnd(text, start, end));
      if (!studentTerms.has(key) || found.has(key) || !isContentWord(text.slice(start, end))) continue;
      found.add(key);
      filter[slot]! -= 1; // later copies of this word are rejected by the filter
    }
    for (const run of answer.runs) {
      if (found.size === studentTerms.size) break;
      for (const term of runTerms(run)) if (studentTerms.has(term)) found.add(term);
    }
  } finally {
    for (const term of slotted) filter[termSlot(term)] = 0;
  }
  return found.size;
}
