/**
 * Phrases that mark a failed answer, matched against the normalised opening of the answer
 * (lower case, NFKC, curly apostrophes straightened). Kept apart from the logic so that adding a
 * language is a data change (and a QUALITY_VERSION bump).
 */

/** Openings of a refusal: an optional apology, then "I can't / won't / am unable". */
export const REFUSAL_OPENINGS: readonly RegExp[] = [
  /^(?:(?:i'm|i am|i'm very|i am very) sorry|sorry|unfortunately|apologies)?[\s,.!]*(?:but\s+)?(?:i\s+(?:can't|cannot|can not|won't|will not|am not able|am unable|must decline)\b|i'm\s+(?:not able|unable)\b|as an ai(?: language model)?,?\s+i\s+(?:can't|cannot|don't|do not|am not|am unable)\b)/,
  /^(?:lo siento|disculpa|perdón)?[\s,.!]*(?:pero\s+)?(?:yo\s+)?no\s+puedo\b/,
  /^(?:(?:je suis )?désolée?|pardon)?[\s,.!]*(?:mais\s+)?je\s+ne\s+(?:peux|suis pas en mesure)\b/,
  /^(?:(?:es )?tut mir leid|entschuldigung)?[\s,.!]*(?:aber\s+)?ich\s+kann\s+(?:\S+\s+){0,3}?nicht\b/,
  /^(?:desculpe|sinto muito)?[\s,.!]*(?:mas\s+)?(?:eu\s+)?não\s+posso\b/,
  /^(?:很抱歉|抱歉|对不起)?[，,。\s]*我(?:无法|不能)/,
  /^(?:申し訳(?:ありません|ございません)(?:が)?)?[、。\s]*(?:お答えできません|お手伝いできません|対応できません)/,
];

/**
 * Signs that a refusal goes on to help (a question back, a suggestion, "instead"): a tutor declining
 * to write an essay and then guiding the student is doing its job, not failing.
 */
export const REDIRECTS =
  /[?？]|\b(?:but i can(?!'t|not)|instead|let's|let us|try|here's|here is|happy to help|pero puedo|en cambio|intenta|mais je peux|plutôt|essaie|stattdessen|versuch|mas posso|em vez)|但是|不过|可以/;

/** Closing offers every refusal template carries ("anything else I can help with?"); not a redirect. */
export const GENERIC_OFFER = /anything else|something else|other questions?|otra cosa|autre chose|etwas anderes|其他|ほかに/;

/** Openings of an error message passed through as the answer. */
export const ERROR_OPENINGS =
  /^(?:error\b|\[error\]|exception\b|internal server error|an (?:unexpected )?error (?:has )?occurred|something went wrong|request failed|service unavailable|bad gateway|gateway time-?out|rate limit|too many requests|timed out|timeout\b|traceback \(most recent call last\)|(?:type|reference|syntax|range)error\b|unhandled\b|(?:status code|http) \d{3}\b|\d{3} (?:internal server error|bad gateway|service unavailable|too many requests)|context length|maximum context|content (?:management )?(?:filter|policy))/;

/** Whole answers that are a leaked programming value, not text. */
export const ERROR_VALUES = /^(?:undefined|null|nan|\[object object\])$/;
/** What JavaScript prints for an object turned into text by mistake; its spelling never varies. */
export const LEAKED_OBJECT = "[object Object]";

/** Last lines that may end without a full stop: list items, headings, table rows, quotes. */
export const UNPUNCTUATED_LINE = /^\s*(?:[-*+•]\s|\d+[.)]\s|#|\||>)/;
export const LINK = /^https?:\/\//;

/** A last character that means the text stopped mid-sentence. */
export const MID_SENTENCE_CHAR = /^[\p{L}\p{N},;:([{\-–—]$/u;
