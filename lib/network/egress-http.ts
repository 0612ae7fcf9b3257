import { errorText } from "../telemetry/error-text.js";
import { checkEgress, EgressIpUnavailableError, type EgressIpOptions, type EgressReport } from "./egress-ip.js";

/**
 * GET /api/egress as plain data, so the Functions trigger stays a one-liner and tests need no host.
 * 200: detected (and matching, or nothing to compare with); 409: detected but not the NAT IP, so
 * Atlas will refuse the app (body still carries both IPs); 502: no echo service answered;
 * 500: EXPECTED_EGRESS_IP is malformed.
 */
export interface EgressHttpResponse {
  status: 200 | 409 | 500 | 502;
  jsonBody: EgressReport | { error: string };
}

export async function egressResponse(
  env: NodeJS.ProcessEnv = process.env,
  options: EgressIpOptions = {},
): Promise<EgressHttpResponse> {
  try {
    const report = await checkEgress(env, options);
    return { status: report.matches === false ? 409 : 200, jsonBody: report };
  } catch (err) {
    if (err instanceof EgressIpUnavailableError) return { status: 502, jsonBody: { error: err.message } };
    return { status: 500, jsonBody: { error: errorText(err) } };
  }
}
