/** A mistake in how the command was called (exit code 2); the message names the flag and the fix. */
export class UsageError extends Error {
  override name = "UsageError";
}
