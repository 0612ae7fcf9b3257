/**
 * A trigger handler whose module is imported at its first invocation. The host imports every entry
 * file when the worker starts, before any trigger fires; what a handler needs (the MongoDB driver,
 * the Storage SDKs, Parquet, App Insights) is then loaded by the first invocation that needs it,
 * once, and reused. A failed import is retried by the next invocation instead of being cached.
 */
export function lazyHandler<A extends unknown[], R>(load: () => Promise<(...args: A) => R | Promise<R>>): (...args: A) => Promise<R> {
  let handler: Promise<(...args: A) => R | Promise<R>> | undefined;
  return async (...args) => {
    if (!handler) {
      handler = load();
      handler.catch(() => (handler = undefined));
    }
    return await (await handler)(...args);
  };
}
