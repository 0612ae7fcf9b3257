import { isIP } from "node:net";
import { z } from "zod";

/**
 * Finds the public IP this app's outbound traffic leaves from, by asking public echo services, and
 * compares it with the NAT gateway IP that Bicep hands the app (EXPECTED_EGRESS_IP). MongoDB Atlas
 * only admits allow-listed IPs, so a mismatch means the next ETL run will be refused.
 */

/** The part of `fetch` this module uses, so tests can inject answers without a network. */
export type FetchLike = (
  url: string,
  init: { signal: AbortSignal; headers: Record<string, string> },
) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

export interface EchoService {
  url: string;
  /** How to read the body: `{"ip": "..."}` or the bare address. */
  format: "json" | "text";
}

/** Tried in order; the second is a fallback for when the first is down or slow. */
export const defaultEchoServices: readonly EchoService[] = [
  { url: "https://api.ipify.org?format=json", format: "json" },
  { url: "https://ifconfig.me/ip", format: "text" },
];

export const DEFAULT_TIMEOUT_MS = 3000;

const egressEnvSchema = z.object({
  EXPECTED_EGRESS_IP: z
    .string()
    .trim()
    .refine((v) => isIP(v) !== 0, "EXPECTED_EGRESS_IP must be an IPv4 or IPv6 address (the NAT gateway's public IP)")
    .optional(),
});

/** Settings this module reads (kept here until they move into lib/config.ts). */
export const egressSettingNames = Object.keys(egressEnvSchema.shape) as (keyof z.infer<typeof egressEnvSchema>)[];

/** Parses EXPECTED_EGRESS_IP; blank counts as unset. Throws naming the variable, never other values. */
export function loadExpectedEgressIp(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const raw = env.EXPECTED_EGRESS_IP?.trim() ? { EXPECTED_EGRESS_IP: env.EXPECTED_EGRESS_IP } : {};
  const parsed = egressEnvSchema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join("; "));
  return parsed.data.EXPECTED_EGRESS_IP === undefined ? undefined : normalizeIp(parsed.data.EXPECTED_EGRESS_IP);
}

/** Lower-cases, trims and unwraps IPv4-mapped IPv6 (`::ffff:1.2.3.4`) so equal addresses compare equal. */
export function normalizeIp(ip: string): string {
  const trimmed = ip.trim().toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(trimmed);
  return mapped?.[1] ?? trimmed;
}

export function sameIp(a: string, b: string): boolean {
  return normalizeIp(a) === normalizeIp(b);
}

const jsonAnswer = z.object({ ip: z.string() });

/** Reads an echo service's body; throws when it holds no IP address. */
export function parseEchoResponse(body: string, format: EchoService["format"]): string {
  let candidate: string;
  if (format === "json") {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new Error(`expected JSON like {"ip": "…"}, got ${preview(body)}`);
    }
    const parsed = jsonAnswer.safeParse(json);
    if (!parsed.success) throw new Error(`expected JSON like {"ip": "…"}, got ${preview(body)}`);
    candidate = parsed.data.ip;
  } else {
    candidate = body;
  }
  const ip = normalizeIp(candidate);
  if (isIP(ip) === 0) throw new Error(`not an IP address: ${preview(candidate)}`);
  return ip;
}

function preview(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return JSON.stringify(oneLine.length > 80 ? `${oneLine.slice(0, 80)}…` : oneLine);
}

export interface EgressIpOptions {
  fetch?: FetchLike;
  services?: readonly EchoService[];
  timeoutMs?: number;
}

export interface DetectedEgressIp {
  ip: string;
  /** Echo service that answered. */
  source: string;
  /** Why earlier services were skipped, e.g. a timeout. */
  attempts: { source: string; error: string }[];
}

export class EgressIpUnavailableError extends Error {
  constructor(readonly attempts: { source: string; error: string }[]) {
    super(
      `Could not determine the outbound IP: every echo service failed (${attempts
        .map((a) => `${a.source}: ${a.error}`)
        .join("; ")}). Check that outbound internet traffic is allowed through the NAT gateway.`,
    );
    this.name = "EgressIpUnavailableError";
  }
}

/** Asks each echo service in turn (short timeout each) until one returns an IP address. */
export async function detectEgressIp(options: EgressIpOptions = {}): Promise<DetectedEgressIp> {
  const fetchFn = options.fetch ?? (globalThis.fetch as unknown as FetchLike);
  const services = options.services ?? defaultEchoServices;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const attempts: DetectedEgressIp["attempts"] = [];
  for (const service of services) {
    try {
      const response = await fetchFn(service.url, {
        signal: AbortSignal.timeout(timeoutMs),
        headers: { accept: service.format === "json" ? "application/json" : "text/plain" },
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const ip = parseEchoResponse(await response.text(), service.format);
      return { ip, source: service.url, attempts };
    } catch (err) {
      attempts.push({ source: service.url, error: describeError(err, timeoutMs) });
    }
  }
  throw new EgressIpUnavailableError(attempts);
}

function describeError(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError")) {
    return `no answer within ${timeoutMs} ms`;
  }
  return err instanceof Error ? err.message : String(err);
}

export interface EgressReport {
  egressIp: string;
  /** The NAT gateway IP Bicep configured, or null when EXPECTED_EGRESS_IP is not set (e.g. locally). */
  expectedIp: string | null;
  /** null when there is nothing to compare with. */
  matches: boolean | null;
  source: string;
}

/** Compares a detected IP with the expected one. */
export function compareEgress(detected: DetectedEgressIp, expectedIp: string | undefined): EgressReport {
  return {
    egressIp: detected.ip,
    expectedIp: expectedIp ?? null,
    matches: expectedIp === undefined ? null : sameIp(detected.ip, expectedIp),
    source: detected.source,
  };
}

/** Detects the outbound IP and compares it with EXPECTED_EGRESS_IP from `env`. */
export async function checkEgress(
  env: NodeJS.ProcessEnv = process.env,
  options: EgressIpOptions = {},
): Promise<EgressReport> {
  const expected = loadExpectedEgressIp(env);
  return compareEgress(await detectEgressIp(options), expected);
}
