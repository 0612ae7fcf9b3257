import { readdirSync, readFileSync } from "node:fs";
import { HttpRequest, InvocationContext } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { backfillSubmitHandler } from "../../lib/handlers/backfill-http.js";
import { healthHandler } from "../../lib/handlers/health.js";
import { egressResponse } from "../../lib/network/egress-http.js";
import { renderOpenApi, responseSchemas } from "../../scripts/gen-openapi.js";

const invocation = () => new InvocationContext({ invocationId: "t", functionName: "t", logHandler: () => undefined });
const noContext = async () => {
  throw new Error("the handler must answer before it needs storage");
};

describe("docs/openapi.yaml", () => {
  it("is current with the zod schemas (run npm run gen:openapi)", () => {
    expect(readFileSync("docs/openapi.yaml", "utf8")).toBe(renderOpenApi());
  });

  it("documents every HTTP route registered in functions/, with its methods", () => {
    const doc = parse(renderOpenApi()) as { paths: Record<string, Record<string, unknown>> };
    const registered: string[] = [];
    for (const file of readdirSync("functions").filter((f) => f.endsWith(".ts"))) {
      const source = readFileSync(`functions/${file}`, "utf8");
      for (const m of source.matchAll(/app\.http\([^{]*\{\s*methods:\s*\[([^\]]*)\][\s\S]*?route:\s*"([^"]+)"/g)) {
        for (const method of m[1]!.match(/[A-Z]+/g)!) registered.push(`${method.toLowerCase()} /${m[2]}`);
      }
    }
    expect(registered.length).toBeGreaterThanOrEqual(4);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((op) => `${op} ${path}`));
    expect(documented.sort()).toEqual(registered.sort());
  });

  it("describes what the handlers really answer", async () => {
    const health = await healthHandler(noContext)(new HttpRequest({ method: "GET", url: "http://localhost/api/health?collection=grades" }), invocation());
    expect(health.status).toBe(400);
    expect(responseSchemas.error.safeParse(health.jsonBody).success).toBe(true);

    const backfill = await backfillSubmitHandler(noContext)(
      new HttpRequest({ method: "POST", url: "http://localhost/api/backfill", body: { string: JSON.stringify({ days: 0 }) } }),
      invocation(),
    );
    expect(backfill.status).toBe(400);
    expect(responseSchemas.error.parse(backfill.jsonBody).problems).toEqual(["days: must be at least 1"]);

    const egress = await egressResponse({ EXPECTED_EGRESS_IP: "198.51.100.7" }, { services: [{ url: "echo", format: "text" }], fetch: async () => ({ ok: true, status: 200, text: async () => "203.0.113.9" }) });
    expect(egress.status).toBe(409);
    expect(responseSchemas.egress.parse(egress.jsonBody)).toEqual({ egressIp: "203.0.113.9", expectedIp: "198.51.100.7", matches: false, source: "echo" });
  });
});
