/**
 * The prose of a Markdown answer: what a student reads as text. Code is not prose (its "sentences"
 * would distort readability), nor are URLs (one long "word").
 */

// Fences run to their closing fence or, when unclosed (a truncated answer), to the end.
const FENCED_CODE = /```[\s\S]*?(?:```|$)|~~~[\s\S]*?(?:~~~|$)/g;
const INLINE_CODE = /`[^`\n]*`/g;
const URL = /\bhttps?:\/\/\S+/g;
const FENCE_LINE = /^[ \t]*(?:```|~~~)/gm;

export function proseOf(markdown: string): string {
  // Most answers have neither code nor links: nothing to strip, and the caller can reuse its scan.
  if (!markdown.includes("`") && !markdown.includes("~~~") && !markdown.includes("://")) return markdown;
  return markdown.replace(FENCED_CODE, "\n").replace(INLINE_CODE, " ").replace(URL, " ");
}

/** Whether the text opens a code fence it never closes (a sure sign of a cut-off answer). */
export function hasUnclosedFence(markdown: string): boolean {
  if (!markdown.includes("```") && !markdown.includes("~~~")) return false;
  const fences = markdown.match(FENCE_LINE);
  return fences !== null && fences.length % 2 === 1;
}
