/**
 * Relevance: does the answer talk about what the student wrote? Measured as the share of the
 * student's content terms (`contentTerms`) that reappear in the answer (`sharedTerms`).
 *
 * A good answer paraphrases, so reusing half of the student's terms already earns full marks; and a
 * long student text (an essay for an activity) asks for at most ten shared terms, else every essay
 * would make its feedback look off-topic.
 */
export const RELEVANCE_SHARE_FOR_FULL = 0.5;
export const RELEVANCE_TERM_CAP = 20;

/** null when the student text has no content terms ("thanks!", "ok?"): nothing to be relevant to. */
export function relevance(shared: number, studentTermCount: number): number | null {
  if (studentTermCount === 0) return null;
  const needed = RELEVANCE_SHARE_FOR_FULL * Math.min(studentTermCount, RELEVANCE_TERM_CAP);
  return Math.min(1, shared / needed);
}
