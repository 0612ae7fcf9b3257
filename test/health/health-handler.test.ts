import { HttpRequest, InvocationContext } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { healthHandler } from "../../lib/handlers/health.js";

const invocation = (lines: string[] = []) =>
  new InvocationContext({ invocationId: "t", functionName: "health", logHandler: (level, ...args) => lines.push(`${level} ${args.join(" ")}`) });
const get = (url = "http://localhost/api/health") => new HttpRequest({ method: "GET", url });

describe("GET /api/health (without storage)", () => {
  it("answers 503, uncached, when the run state cannot be read, without leaking credentials", async () => {
    const lines: string[] = [];
    const handler = healthHandler(async () => {
      throw new Error("Storage is not reachable: https://state.table.core.windows.net/etlruns?sv=2024-08-04&sig=S3cr3tSig");
    });
    const response = await handler(get(), invocation(lines));
    expect(response.status).toBe(503);
    expect(response.headers).toEqual({ "Cache-Control": "no-store" });
    expect(response.jsonBody).toEqual({
      status: "error",
      error: "Cannot read the run state: Storage is not reachable: https://state.table.core.windows.net/etlruns?sv=2024-08-04&sig=***",
    });
    expect(lines.join("\n")).not.toContain("S3cr3tSig");
  });

  it("answers 400 naming the valid collections for an unknown ?collection=", async () => {
    const handler = healthHandler(async () => {
      throw new Error("not reached");
    });
    const response = await handler(get("http://localhost/api/health?collection=messages&collection=users"), invocation());
    expect(response.status).toBe(400);
    expect(response.jsonBody).toEqual({ error: "Unknown collection \"users\": expected one of profiles, messages, actions, paths, tasks, errorlogs" });
  });
});
