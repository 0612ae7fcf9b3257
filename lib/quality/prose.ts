/**
 * The prose of a Markdown answer, split into sentences: what a student actually reads as text.
 * Code is not prose (its "sentences" would distort readability), nor are URLs (one long "word").
 */

// Fences run to their closing fence or, when unclosed (a truncated answer), to the end.
const FENCED_CODE = /```[\s\S]*?(?:```|$)|~~~[\s\S]*?(?:~~~|$)/g;
const INLINE_CODE = /`[^`\n]*`/g;
const URL = /\bhttps?:\/\/\S+/g;

// Sentence ends: Latin-style marks need a following space or the end (so 3.14 and e.g.x stay
// whole); CJK and Devanagari full stops need nothing after them. Line breaks end list items.
const SENTENCE_END = /[.!?؟]+(?=\s|$)|[。！？।]+|\n+/;

export function proseOf(markdown: string): string {
  return markdown.replace(FENCED_CODE, "\n").replace(INLINE_CODE, " ").replace(URL, " ");
}

/** Sentences of the prose, trimmed, each with at least one letter or digit. */
export function sentencesOf(prose: string): string[] {
  const out: string[] = [];
  for (const part of prose.split(SENTENCE_END)) {
    const s = part.trim();
    if (/[\p{L}\p{N}]/u.test(s)) out.push(s);
  }
  return out;
}

/** Whether the text opens a code fence it never closes (a sure sign of a cut-off answer). */
export function hasUnclosedFence(markdown: string): boolean {
  const fences = markdown.match(/^[ \t]*(?:```|~~~)/gm);
  return fences !== null && fences.length % 2 === 1;
}
