import { HttpRequest, InvocationContext, type HttpResponseInit } from "@azure/functions";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { collectionNames } from "../../lib/collections/index.js";
import { backfillStatusHandler, backfillSubmitHandler } from "../../lib/handlers/backfill-http.js";
import { healthHandler } from "../../lib/handlers/health.js";
import { MAX_BODY_BYTES } from "../../lib/handlers/request-body.js";

/**
 * The HTTP functions driven with generated requests, without storage: a request that passes
 * validation reaches the context factory, which refuses (`ReachedStorage`). Everything else must be
 * a 4xx that names its problem in a small body: no 5xx, no hang, no echo of unbounded input.
 */
class ReachedStorage extends Error {}
const noStorage = async (): Promise<never> => {
  throw new ReachedStorage("validation passed");
};
const NOW = new Date("2026-11-20T12:00:00Z");
const MAX_ANSWER_CHARS = 2_000;
const invocation = () => new InvocationContext({ invocationId: "p", functionName: "f", logHandler: () => undefined });

const submit = backfillSubmitHandler(noStorage, () => NOW, () => "2020-01-01");
const status = backfillStatusHandler(noStorage);
const health = healthHandler(noStorage, () => NOW);

const post = (text: string) => new HttpRequest({ method: "POST", url: "http://localhost:7071/api/backfill", body: { string: text } });

/** Runs a handler; `reached` when validation let it through to storage. */
async function answer(run: Promise<HttpResponseInit>): Promise<HttpResponseInit | "reached"> {
  try {
    return await run;
  } catch (err) {
    if (err instanceof Error && err.message === "validation passed") return "reached";
    throw err;
  }
}

function expectNamedClientError(response: HttpResponseInit | "reached") {
  if (response === "reached") return;
  const status = response.status ?? 200;
  expect(status).toBeGreaterThanOrEqual(400);
  expect(status).toBeLessThan(500);
  const text = JSON.stringify(response.jsonBody);
  expect(text.length).toBeLessThanOrEqual(MAX_ANSWER_CHARS);
  const body = response.jsonBody as { error?: string; problems?: string[] };
  expect(body.error).toBeTruthy();
  if (body.problems) {
    expect(body.problems.length).toBeGreaterThan(0);
    for (const p of body.problems) expect(p.length).toBeGreaterThan(10);
  }
}

const day = fc.oneof(
  fc.date({ min: new Date("0001-01-01T00:00:00Z"), max: new Date("9999-12-31T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  fc.string({ maxLength: 30 }),
);
const name = fc.oneof(fc.constantFrom(...collectionNames), fc.string({ maxLength: 200 }), fc.string({ minLength: 1, maxLength: 5 }).map((s) => s.repeat(2_000)));
const backfillBody = fc.oneof(
  fc.record(
    { collections: fc.array(name, { maxLength: 30 }), from: day, to: day, days: fc.oneof(fc.integer({ min: -5, max: 400 }), fc.double()), rescoreOnly: fc.anything(), repairWatermark: fc.boolean() },
    { requiredKeys: [] },
  ),
  fc.dictionary(fc.string({ maxLength: 300 }), fc.jsonValue(), { maxKeys: 20 }),
  fc.jsonValue(),
);
const bodyText = fc.oneof(backfillBody.map((b) => JSON.stringify(b) ?? ""), fc.string({ maxLength: 500 }), fc.string({ maxLength: 5 }).map((s) => `{"collections":["${s.repeat(4_000)}"]}`));

// Hundreds of generated requests per property: generous time on a busy machine (no timing is asserted).
describe("HTTP functions under generated requests", { timeout: 120_000 }, () => {
  it("POST /api/backfill: every answer is a named, bounded 4xx, or validation passed", async () => {
    await fc.assert(fc.asyncProperty(bodyText, async (text) => expectNamedClientError(await answer(submit(post(text), invocation())))), { numRuns: 400 });
  });

  it("GET /api/backfill/{jobId}: any job id is refused by name, bounded, or looked up", async () => {
    const jobId = fc.oneof(fc.string({ maxLength: 100 }), fc.string({ maxLength: 3 }).map((s) => s.repeat(50_000)), fc.stringMatching(/^\d{8}_\d{6}_[0-9a-f]{6}$/));
    await fc.assert(
      fc.asyncProperty(jobId, async (id) => {
        const request = new HttpRequest({ method: "GET", url: "http://localhost:7071/api/backfill/x", params: { jobId: id } });
        expectNamedClientError(await answer(status(request, invocation())));
      }),
      { numRuns: 300 },
    );
  });

  it("GET /api/health?collection=…: unknown names are refused by name, bounded", async () => {
    const names = fc.array(fc.oneof(fc.constantFrom(...collectionNames), fc.string({ maxLength: 50 }), fc.string({ maxLength: 3 }).map((s) => s.repeat(20_000))), { maxLength: 20 });
    await fc.assert(
      fc.asyncProperty(names, async (list) => {
        const url = new URL("http://localhost:7071/api/health");
        for (const n of list) url.searchParams.append("collection", n);
        const response = await health(new HttpRequest({ method: "GET", url: url.toString() }), invocation());
        const known = list.every((n) => collectionNames.includes(n));
        if (known) expect(response.status).toBe(503); // reached the (refusing) state tables: health's own answer
        else expectNamedClientError(response);
      }),
      { numRuns: 300 },
    );
  });
});

describe("HTTP limits", () => {
  it("refuses a body over the limit with 413, declared or not", async () => {
    const big = JSON.stringify({ collections: ["messages"], pad: "x".repeat(MAX_BODY_BYTES) });
    const response = await submit(post(big), invocation());
    expect(response.status).toBe(413);
    expect(response.jsonBody).toEqual({ error: "Request body too large", problems: [expect.stringMatching(/^body is over 16384 bytes: /)] });
    const declared = new HttpRequest({ method: "POST", url: "http://localhost/api/backfill", headers: { "content-length": "99999999" }, body: { string: "{}" } });
    expect((await submit(declared, invocation())).status).toBe(413);
  });

  it("echoes a 10 MB collection name as 40 characters and its length", async () => {
    const huge = "a".repeat(10 * 1024 * 1024);
    const response = await submit(post(JSON.stringify({ collections: [huge, "b", "c", "d", "e"] })), invocation());
    expect(response.status).toBe(413);
    const fits = await submit(post(JSON.stringify({ collections: ["a".repeat(5_000), "b", "c", "d", "e"] })), invocation());
    expect(fits.status).toBe(400);
    const [problem] = (fits.jsonBody as { problems: string[] }).problems;
    expect(problem).toBe(`collections: unknown collections "${"a".repeat(40)}"… (5000 characters), "b", "c" and 2 more; expected one or more of ${collectionNames.join(", ")}`);
  });

  it("echoes a 1 MB job id and 1 MB query values bounded", async () => {
    const id = "j".repeat(1024 * 1024);
    const got = await status(new HttpRequest({ method: "GET", url: "http://localhost/api/backfill/x", params: { jobId: id } }), invocation());
    expect(got.status).toBe(400);
    expect(JSON.stringify(got.jsonBody).length).toBeLessThan(300);
    const h = await health(new HttpRequest({ method: "GET", url: `http://localhost/api/health?collection=${"q".repeat(1024 * 1024)}` }), invocation());
    expect(h.status).toBe(400);
    expect(JSON.stringify(h.jsonBody).length).toBeLessThan(300);
  });

  it("does not quote the body back when it is not JSON", async () => {
    const response = await submit(post('{"collections": ["student@example.edu" '), invocation());
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.jsonBody)).not.toContain("student@example.edu");
    expect((response.jsonBody as { problems: string[] }).problems[0]).toMatch(/^body is not valid JSON \(/);
  });

  it("refuses days before the configured floor, naming it and the setting", async () => {
    const response = await submit(post(JSON.stringify({ from: "0001-01-01", to: "0001-01-02" })), invocation());
    expect(response.status).toBe(400);
    expect((response.jsonBody as { problems: string[] }).problems).toContain(
      "from 0001-01-01 is before 2020-01-01, the earliest day a backfill may rebuild (BACKFILL_EARLIEST_DAY)",
    );
    await expect(submit(post(JSON.stringify({ from: "2020-01-01", to: "2020-01-02" })), invocation())).rejects.toThrow("validation passed");
  });
});
