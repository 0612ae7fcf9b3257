import { createRequire } from "node:module";

/** The part of mongodb-connection-string-url used here (its types are not reachable through its exports map). */
interface ConnectionStringUrl {
  redactConnectionString(uri: string, options?: { replacementString?: string; redactUsernames?: boolean }): string;
  ConnectionString: new (uri: string) => { hosts: string[] };
}

// Loaded on first use (a MongoDB URI in the text): a function that never meets one, such as
// health, does not pay for whatwg-url at cold start.
let parser: ConnectionStringUrl | undefined;
const connectionStringUrl = () => (parser ??= createRequire(import.meta.url)("mongodb-connection-string-url") as ConnectionStringUrl);

/**
 * The one redactor: every sink (log lines, run history, the jobs table, HTTP bodies, errors thrown
 * to the host, the CLI) passes text through `redactSecrets` before it leaves the process. Drivers
 * and SDKs echo connection strings, URLs and headers in their errors; this is the last line of
 * defence, so it prefers redacting too much to too little.
 *
 * Three layers, in order:
 * 1. secrets the process knows (the password and keys in its own environment), replaced wherever
 *    they appear, in plain and percent-encoded form, so no parsing mistake can let them through;
 * 2. URIs: MongoDB URIs through the driver's own parser (`mongodb-connection-string-url`: user,
 *    password, AWS_SESSION_TOKEN, tlsCertificateKeyFilePassword, proxy credentials); every URI's
 *    user-info (up to the last `@`, as a password may hold an unencoded `@`) and secret query
 *    parameters (`sig`, `code`, `token`, …), also when the URL is itself percent-encoded;
 * 3. key/value text: connection-string keys (`AccountKey=`, `SharedAccessKey=`, `Password=`…),
 *    JSON and `util.inspect` objects, environment assignments, `Authorization` schemes (Bearer,
 *    Basic, SharedKey), function keys and JWTs.
 */
export const REDACTED = "***";

/** Key names whose value is a secret, wherever they appear (case-insensitive, `-`/`_` optional). */
const secretKeyNames = [
  "password", "passwd", "pwd", "secret", "client_?secret", "azure_client_secret", "proxy_?password",
  "tls_?certificate_?key_?file_?password", "token", "access_?token", "refresh_?token", "session_?token",
  "aws_session_token", "id_?token", "sas_?token", "api_?key", "account_?key", "access_?key",
  "shared_?access_?key", "shared_?access_?signature", "shared_?secret_?value", "primary_?key", "secondary_?key",
  "master_?key", "function_?key", "x-functions-key", "private_?key", "signature", "credentials?", "authorization",
  "connection_?string", "mongodb_uri",
].join("|");
/** A key, possibly prefixed (`AZURE_CLIENT_SECRET`, `lakeAccountKey`) or quoted. */
const keyName = `[A-Za-z0-9_.-]{0,40}?(?:${secretKeyNames})`; // bounded prefix: no quadratic scan of long identifiers
/** Query parameters that carry a credential in a URL (SAS `sig`, Functions `code`, OAuth tokens). */
const secretParams = `sig|signature|code|key|token|access_token|id_token|refresh_token|client_secret|password|secret|apikey|api_key|x-functions-key|AWS_SESSION_TOKEN|tlsCertificateKeyFilePassword|proxyPassword`;

/** URI-looking tokens: a scheme, `://`, then anything up to white space or a quote. */
const uriToken = /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s"'<>`]+/gi;
const mongoScheme = /^mongodb(\+srv)?:\/\//i;

const patterns: [RegExp, string | ((...m: string[]) => string)][] = [
  // Percent-encoded URLs (a URL inside a query string or a log field): user-info and parameters.
  [/(%2F%2F)[^\s"']*%40/gi, `$1${REDACTED}%40`],
  [new RegExp(`((?:%3F|%26|\\?|&)(?:${secretParams})(?:%3D|=))(?:(?!%26|&)[^\\s"'])+`, "gi"), `$1${REDACTED}`],
  // authMechanismProperties=AWS_SESSION_TOKEN:…,  (also %3A-encoded) when the URI did not parse.
  [/(AWS_SESSION_TOKEN(?::|%3A))[^,&\s"']+/gi, `$1${REDACTED}`],
  // Authorization schemes and bare JWTs.
  [/\b(Bearer|Basic|SharedKey|SharedKeyLite|SharedAccessSignature)(\s+)(?!\*\*\*)[^\s"',]+/g, `$1$2${REDACTED}`],
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // "key": "value" (JSON) and key: 'value' / key = "value" (util.inspect, env files, headers).
  [new RegExp(`((?:"|'|\\b)${keyName}(?:"|')?\\s*[:=]\\s*)("(?:[^"\\\\]|\\\\.)*"|'(?:[^'\\\\]|\\\\.)*'|\\{[^}]*\\})`, "gi"), (_m, k, v) => `${k}${v[0] === "{" ? "{" + REDACTED + "}" : v[0] + REDACTED + v[0]}`],
  // key=value / key: value, bare. The value runs to white space, `&`, or a `;` that starts the next
  // `Name=` of a connection string: a `;` or `,` inside a password does not end it.
  [new RegExp(`(\\b${keyName}\\s*(?:=|:)\\s*)(?!\\*\\*\\*|["'{])(?:[^\\s&;"']|;(?![A-Za-z][A-Za-z0-9 _]*=))+`, "gi"), `$1${REDACTED}`],
];

/** Secrets this process holds, replaced verbatim wherever they appear (layer 1). */
const knownSecrets = new Set<string>();
const MIN_SECRET_CHARS = 4; // shorter values would blank ordinary words

/** Adds a secret value to replace wherever it appears (and its percent-encoded forms). */
export function registerSecret(value: string | undefined): void {
  if (!value || value.length < MIN_SECRET_CHARS || value === REDACTED) return;
  for (const form of new Set([value, encodeURIComponent(value), safeDecode(value)])) {
    if (form.length >= MIN_SECRET_CHARS) knownSecrets.add(form);
  }
}

/**
 * The secrets of one connection string or URI this process uses: a MongoDB password (and, when it
 * holds an unencoded `@`, each part of it, since the driver reports the tail as a host name),
 * storage and Service Bus keys, SAS signatures.
 */
export function registerConnectionSecrets(value: string): void {
  if (mongoScheme.test(value)) {
    const password = mongoPassword(value);
    registerSecret(password);
    if (password?.includes("@")) password.split("@").forEach((part) => registerSecret(part));
  }
  for (const m of value.matchAll(/\b(?:AccountKey|SharedAccessKey|SharedAccessSignature)=([^;]+)/gi)) registerSecret(m[1]);
  for (const m of value.matchAll(/[?&]sig=([^&;]+)/gi)) registerSecret(m[1]);
}

/** The secrets in connection strings and credential variables of `env` (the app's own). */
export function registerEnvironmentSecrets(env: NodeJS.ProcessEnv = process.env): void {
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    if (/^(AZURE_CLIENT_SECRET|AZURE_CLIENT_CERTIFICATE_PASSWORD)$/.test(name)) registerSecret(value);
    registerConnectionSecrets(value);
  }
}

/** The password of a MongoDB URI: between the first `:` after `//` and the last `@` of the authority. */
function mongoPassword(uri: string): string | undefined {
  const rest = uri.replace(mongoScheme, "");
  const at = rest.lastIndexOf("@", firstHostDelimiterAfterAt(rest));
  if (at < 0) return undefined;
  const userInfo = rest.slice(0, at);
  const colon = userInfo.indexOf(":");
  return colon < 0 ? undefined : userInfo.slice(colon + 1);
}

/** Index after which no `@` can be user-info: the `/` or `?` that follows the last `@`. */
function firstHostDelimiterAfterAt(rest: string): number {
  const at = rest.lastIndexOf("@");
  if (at < 0) return -1;
  const end = rest.slice(at).search(/[/?]/);
  return end < 0 ? rest.length : at + end;
}

let registeredFromEnv = false;

export function redactSecrets(text: string): string {
  if (!registeredFromEnv) {
    registeredFromEnv = true;
    registerEnvironmentSecrets();
  }
  let out = text;
  for (const secret of knownSecrets) out = out.split(secret).join(REDACTED);
  out = out.replace(uriToken, redactUri);
  for (const [pattern, replacement] of patterns) out = out.replace(pattern, replacement as string);
  return out;
}

/**
 * One URI. MongoDB URIs go through the driver's parser; when it refuses (an unencoded `@`, `:` or
 * `/` in the password), everything from `//` to the last `@` is credentials.
 */
function redactUri(uri: string): string {
  // Trailing punctuation of the sentence around the URI is not part of it.
  const trail = /[),.;\]]+$/.exec(uri)?.[0] ?? "";
  let body = trail ? uri.slice(0, -trail.length) : uri;
  if (mongoScheme.test(body) && !hasUnencodedAt(body)) {
    body = connectionStringUrl().redactConnectionString(body, { replacementString: REDACTED });
  }
  body = body.replace(/^([a-z][a-z0-9+.-]*:\/\/)(.*@)/i, (_m, scheme: string, userInfo: string) =>
    userInfo === `${REDACTED}@` ? `${scheme}${userInfo}` : `${scheme}${REDACTED}@`,
  );
  body = body.replace(new RegExp(`([?&](?:${secretParams})=)[^&#]*`, "gi"), `$1${REDACTED}`);
  return body + trail;
}

/**
 * True when a MongoDB URI has an unencoded `@` in its user-info: more than one `@` before its
 * options (the first `?name=`). The driver's parser then takes the tail of the password for a
 * host (`etl:2Secret@x@h` connects to host `x`).
 */
export function hasUnencodedAt(uri: string): boolean {
  const options = uri.search(/\?[A-Za-z]\w*=/);
  return (options < 0 ? uri : uri.slice(0, options)).split("@").length > 2;
}

/** The hosts of a MongoDB URI by the driver's parser; undefined when it does not parse or would misparse. */
export function mongoHosts(uri: string): string[] | undefined {
  if (hasUnencodedAt(uri)) return undefined;
  try {
    return new (connectionStringUrl().ConnectionString)(uri).hosts;
  } catch {
    return undefined;
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Redacts every string in a value (log fields): secret-named keys lose their value entirely. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactSecrets(value);
  if (depth > 8 || value === null || typeof value !== "object" || value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const secretKey = new RegExp(`^${keyName}$`, "i");
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, secretKey.test(k) && v !== undefined && v !== null ? REDACTED : redactValue(v, depth + 1)]),
  );
}
