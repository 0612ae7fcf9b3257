/**
 * Removes credentials from text bound for logs, run history or the health endpoint: user:password
 * in URIs, storage account keys and SAS signatures, and password-like key/value pairs (plain or
 * JSON). Errors from the drivers sometimes echo a connection string; this is the last line of
 * defence, not the first.
 */
const secretKey = "password|passwd|pwd|secret|client_secret|apikey|api_key|access_token";

const patterns: [RegExp, string][] = [
  [/\/\/[^@\s/]*@/g, "//***@"], // scheme://user:password@host
  [/\b(AccountKey|SharedAccessSignature|SharedAccessKey)=[^;\s"']+/gi, "$1=***"],
  [/([?&]sig)=[^&\s"']+/gi, "$1=***"], // SAS signature
  [new RegExp(`("(?:${secretKey})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, "gi"), '$1"***"'],
  [new RegExp(`\\b(${secretKey})(\\s*[=:]\\s*)(?!\\*\\*\\*)[^\\s&;,"'}]+`, "gi"), "$1$2***"],
];

export function redactSecrets(text: string): string {
  return patterns.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}
