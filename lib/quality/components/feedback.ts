/**
 * Feedback: what the student said about the answer. A rating r (1-5) counts (r - 1) / 4, a thumbs
 * up 1 and down 0; with both, their mean. A flagged answer counts 0 whatever else was said: a flag
 * means someone judged it harmful or wrong, which outweighs a rating.
 */

/** null when there is no usable feedback (no rating in 1-5, no up/down, not flagged). */
export function feedback(rating: number | undefined, thumbs: string | undefined, flagged: boolean | undefined): number | null {
  if (flagged === true) return 0;
  const signals: number[] = [];
  if (typeof rating === "number" && rating >= 1 && rating <= 5) signals.push((rating - 1) / 4);
  const t = typeof thumbs === "string" ? thumbs.trim().toLowerCase() : undefined;
  if (t === "up") signals.push(1);
  if (t === "down") signals.push(0);
  if (signals.length === 0) return null;
  return signals.reduce((a, b) => a + b, 0) / signals.length;
}
