import { describe, expect, it } from "vitest";
import {
  checkEgress,
  compareEgress,
  detectEgressIp,
  EgressIpUnavailableError,
  loadExpectedEgressIp,
  normalizeIp,
  parseEchoResponse,
  type FetchLike,
} from "../../lib/network/egress-ip.js";
import { egressResponse } from "../../lib/network/egress-http.js";

type Answer = { status?: number; body?: string; hang?: boolean; throws?: Error };

/** A fetch that answers from a table by URL and records what was asked; never touches the network. */
function fakeFetch(answers: Record<string, Answer>) {
  const calls: string[] = [];
  const fetch: FetchLike = (url, init) => {
    calls.push(url);
    const answer = answers[url];
    if (!answer) return Promise.reject(new Error(`unexpected URL ${url}`));
    if (answer.throws) return Promise.reject(answer.throws);
    if (answer.hang) {
      return new Promise((_, reject) => {
        init.signal.addEventListener("abort", () => reject(init.signal.reason as Error));
      });
    }
    const status = answer.status ?? 200;
    return Promise.resolve({ ok: status < 400, status, text: () => Promise.resolve(answer.body ?? "") });
  };
  return { fetch, calls };
}

const IPIFY = "https://api.ipify.org?format=json";
const IFCONFIG = "https://ifconfig.me/ip";

describe("parseEchoResponse", () => {
  it("reads the ip field of a JSON answer", () => {
    expect(parseEchoResponse('{"ip":"20.25.140.178"}', "json")).toBe("20.25.140.178");
  });

  it("reads a bare address with a trailing newline", () => {
    expect(parseEchoResponse("20.25.140.178\n", "text")).toBe("20.25.140.178");
  });

  it("accepts IPv6 and unwraps IPv4-mapped IPv6", () => {
    expect(parseEchoResponse("2001:DB8::1", "text")).toBe("2001:db8::1");
    expect(parseEchoResponse('{"ip":"::ffff:20.25.140.178"}', "json")).toBe("20.25.140.178");
  });

  it("rejects an HTML error page served with status 200", () => {
    expect(() => parseEchoResponse("<html><body>rate limited</body></html>", "text")).toThrow(/not an IP address/);
  });

  it("rejects JSON without an ip field and malformed JSON", () => {
    expect(() => parseEchoResponse('{"address":"1.2.3.4"}', "json")).toThrow(/expected JSON/);
    expect(() => parseEchoResponse("1.2.3.4", "json")).toThrow(/expected JSON/);
  });
});

describe("normalizeIp", () => {
  it("makes equal addresses compare equal", () => {
    expect(normalizeIp(" ::FFFF:10.0.0.1 ")).toBe("10.0.0.1");
    expect(normalizeIp("2001:DB8::1")).toBe("2001:db8::1");
  });
});

describe("loadExpectedEgressIp", () => {
  it("is undefined when unset or blank", () => {
    expect(loadExpectedEgressIp({})).toBeUndefined();
    expect(loadExpectedEgressIp({ EXPECTED_EGRESS_IP: "  " })).toBeUndefined();
  });

  it("returns the trimmed address", () => {
    expect(loadExpectedEgressIp({ EXPECTED_EGRESS_IP: " 20.1.2.3 " })).toBe("20.1.2.3");
  });

  it("names the variable when the value is not an IP", () => {
    expect(() => loadExpectedEgressIp({ EXPECTED_EGRESS_IP: "nat-gateway" })).toThrow(/EXPECTED_EGRESS_IP/);
  });
});

describe("detectEgressIp", () => {
  it("uses the first service when it answers", async () => {
    const { fetch, calls } = fakeFetch({ [IPIFY]: { body: '{"ip":"20.1.2.3"}' } });
    const detected = await detectEgressIp({ fetch });
    expect(detected).toEqual({ ip: "20.1.2.3", source: IPIFY, attempts: [] });
    expect(calls).toEqual([IPIFY]);
  });

  it("falls back when the first service fails, and says why", async () => {
    const { fetch, calls } = fakeFetch({
      [IPIFY]: { status: 503, body: "down" },
      [IFCONFIG]: { body: "20.1.2.3\n" },
    });
    const detected = await detectEgressIp({ fetch });
    expect(detected.ip).toBe("20.1.2.3");
    expect(detected.source).toBe(IFCONFIG);
    expect(detected.attempts).toEqual([{ source: IPIFY, error: "HTTP 503" }]);
    expect(calls).toEqual([IPIFY, IFCONFIG]);
  });

  it("gives up on a service that does not answer within the timeout", async () => {
    const { fetch } = fakeFetch({ [IPIFY]: { hang: true }, [IFCONFIG]: { body: "20.1.2.3" } });
    const detected = await detectEgressIp({ fetch, timeoutMs: 20 });
    expect(detected.ip).toBe("20.1.2.3");
    expect(detected.attempts[0]?.error).toBe("no answer within 20 ms");
  });

  it("throws a named error listing every failure when no service answers", async () => {
    const { fetch } = fakeFetch({
      [IPIFY]: { throws: new Error("getaddrinfo ENOTFOUND api.ipify.org") },
      [IFCONFIG]: { body: "<html>blocked</html>" },
    });
    const error = await detectEgressIp({ fetch }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EgressIpUnavailableError);
    expect((error as EgressIpUnavailableError).attempts).toHaveLength(2);
    expect((error as Error).message).toMatch(/ENOTFOUND.*not an IP address/);
  });
});

describe("compareEgress", () => {
  const detected = { ip: "20.1.2.3", source: IPIFY, attempts: [] };

  it("matches when the egress IP is the expected NAT IP", () => {
    expect(compareEgress(detected, "20.1.2.3")).toEqual({
      egressIp: "20.1.2.3",
      expectedIp: "20.1.2.3",
      matches: true,
      source: IPIFY,
    });
  });

  it("does not match when traffic leaves from another IP", () => {
    expect(compareEgress(detected, "20.9.9.9").matches).toBe(false);
  });

  it("has nothing to compare with when no IP is expected", () => {
    expect(compareEgress(detected, undefined)).toMatchObject({ expectedIp: null, matches: null });
  });
});

describe("checkEgress and the HTTP answer", () => {
  const answering = fakeFetch({ [IPIFY]: { body: '{"ip":"20.1.2.3"}' } }).fetch;

  it("reads EXPECTED_EGRESS_IP from the environment", async () => {
    const report = await checkEgress({ EXPECTED_EGRESS_IP: "20.1.2.3" }, { fetch: answering });
    expect(report).toMatchObject({ egressIp: "20.1.2.3", expectedIp: "20.1.2.3", matches: true });
  });

  it("answers 200 on a match and 409 with both IPs on a mismatch", async () => {
    expect(await egressResponse({ EXPECTED_EGRESS_IP: "20.1.2.3" }, { fetch: answering })).toMatchObject({
      status: 200,
    });
    const mismatch = await egressResponse({ EXPECTED_EGRESS_IP: "20.9.9.9" }, { fetch: answering });
    expect(mismatch).toEqual({
      status: 409,
      jsonBody: { egressIp: "20.1.2.3", expectedIp: "20.9.9.9", matches: false, source: IPIFY },
    });
  });

  it("answers 502 when no echo service answers and 500 for a malformed expected IP", async () => {
    const failing = fakeFetch({}).fetch;
    expect((await egressResponse({}, { fetch: failing })).status).toBe(502);
    expect(await egressResponse({ EXPECTED_EGRESS_IP: "x" }, { fetch: answering })).toMatchObject({
      status: 500,
      jsonBody: { error: expect.stringMatching(/EXPECTED_EGRESS_IP/) as unknown },
    });
  });
});
