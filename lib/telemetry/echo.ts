/**
 * Input quoted back in an error (an unknown collection, field or job id): bounded, so a 10 MB
 * name cannot come back as a 10 MB answer or log line, and a list names only its first few.
 */
export const ECHO_MAX_CHARS = 40;
export const ECHO_MAX_ITEMS = 3;

/** `"value"`, cut to ECHO_MAX_CHARS with an ellipsis and its full length. */
export function quoted(value: string): string {
  const chars = [...value];
  if (chars.length <= ECHO_MAX_CHARS) return JSON.stringify(value);
  return `${JSON.stringify(chars.slice(0, ECHO_MAX_CHARS).join(""))}… (${chars.length} characters)`;
}

/** The first ECHO_MAX_ITEMS values quoted, then how many more. */
export function quotedList(values: readonly string[]): string {
  const shown = values.slice(0, ECHO_MAX_ITEMS).map(quoted).join(", ");
  return values.length > ECHO_MAX_ITEMS ? `${shown} and ${values.length - ECHO_MAX_ITEMS} more` : shown;
}
