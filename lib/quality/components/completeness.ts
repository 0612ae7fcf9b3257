/**
 * Completeness: is the answer long enough to answer, yet short enough to be read in a chat?
 * Lengths are in word-equivalents (see `wordEquivalents`), so they compare across scripts.
 *
 * The floor grows with the student's text (twice its length: a long question or an essay deserves a
 * fuller reply) between 10 and 100 words; below it the score falls in proportion. Above 400 words
 * students skim, so the score decays as 400 / length.
 */
export const FLOOR_PER_STUDENT_WORD = 2;
export const FLOOR_MIN = 10;
export const FLOOR_MAX = 100;
export const CEILING = 400;

export function completenessFloor(studentWords: number): number {
  return Math.min(FLOOR_MAX, Math.max(FLOOR_MIN, FLOOR_PER_STUDENT_WORD * studentWords));
}

export function completeness(answerWords: number, studentWords: number): number {
  const floor = completenessFloor(studentWords);
  if (answerWords < floor) return answerWords / floor;
  return answerWords <= CEILING ? 1 : CEILING / answerWords;
}
