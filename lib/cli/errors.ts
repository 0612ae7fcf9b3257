/** A mistake in how the command was called (exit code 2); the message names the flag and the fix. */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * A command whose flags are registered but whose work lives in a lane not landed yet. Its message
 * names the command, so scripts written against the final CLI fail loudly instead of doing nothing.
 */
export class NotAvailableError extends Error {
  override name = "NotAvailableError";
  constructor(command: string, what: string) {
    super(`etl ${command} is not available yet: ${what} has not landed in this build. Nothing was changed.`);
  }
}
