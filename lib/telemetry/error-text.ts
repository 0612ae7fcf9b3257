import { redactSecrets } from "./redact.js";

/**
 * The text of an error, fit for a log line, run history, the jobs table or an HTTP body.
 *
 * Driver errors raised while reading documents quote the documents: a server error can echo a
 * filter or a value, a BSON error or a regular expression JavaScript cannot compile carries the
 * pattern (which held an SSN once). Those map to fixed text naming the class and code, never the
 * message. Everything else is passed through the redactor.
 */
export function errorText(err: unknown): string {
  return redactSecrets(fixedDriverText(err) ?? unreachableText(err) ?? (err instanceof Error ? err.message : String(err)));
}

const mongoNetworkErrors = new Set(["MongoNetworkError", "MongoNetworkTimeoutError", "MongoServerSelectionError", "MongoTopologyClosedError", "MongoPoolClearedError"]);

/**
 * A lost or refused MongoDB connection, said as such with where to look. The driver's own words
 * vary with the moment the server went away (refused, timed out, "socket has been ended by the
 * other party"), so the driver's error class decides, not the message; the message (hosts, never
 * documents) follows for the detail.
 */
export function unreachableText(err: unknown): string | undefined {
  if (!(err instanceof Error) || !mongoNetworkErrors.has(err.name)) return undefined;
  return `MongoDB could not be reached (${err.name}: ${err.message}); check that the server is up, MONGODB_URI, and that its allow-list holds the NAT gateway's egress IP`;
}

/** Driver errors that may carry document values, as fixed text; undefined for the rest. */
export function fixedDriverText(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  const name = err.name;
  if (/^BSON\w*Error$/.test(name)) {
    return `MongoDB returned a document the driver could not decode (${name}); its values are not logged: find it by quarantining or with mongosh`;
  }
  if (name === "SyntaxError" && err.message.startsWith("Invalid regular expression")) {
    return "A document holds a regular expression JavaScript cannot compile (read it with bsonRegExp: true); its pattern is not logged";
  }
  if (name === "MongoServerError" || name === "MongoBulkWriteError" || name === "MongoWriteConcernError") {
    const { code, codeName } = err as Error & { code?: unknown; codeName?: unknown };
    const what = typeof codeName === "string" && codeName ? codeName : "error";
    return `MongoDB server error ${what}${typeof code === "number" ? ` (code ${code})` : ""}; the server's message is not logged as it can quote documents`;
  }
  return undefined;
}
