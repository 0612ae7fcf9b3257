import { describe, expect, it } from "vitest";
import { redactSecrets } from "../../lib/telemetry/index.js";

describe("redactSecrets", () => {
  it("removes user and password from MongoDB URIs, keeping the host", () => {
    expect(redactSecrets("connect to mongodb+srv://etl:hunter2@cluster0.abcd.mongodb.net/?retryWrites=true failed")).toBe(
      "connect to mongodb+srv://***@cluster0.abcd.mongodb.net/?retryWrites=true failed",
    );
  });

  it("removes storage account keys and SAS signatures", () => {
    const text = "DefaultEndpointsProtocol=https;AccountName=lake;AccountKey=c2VjcmV0a2V5PT0=;EndpointSuffix=core.windows.net " +
      "https://lake.blob.core.windows.net/raw/x?sv=2024-08-04&se=2026-12-01&sig=AbC%2Bdef%3D";
    const out = redactSecrets(text);
    expect(out).not.toContain("c2VjcmV0a2V5PT0=");
    expect(out).not.toContain("AbC%2Bdef%3D");
    expect(out).toContain("AccountName=lake;AccountKey=***;");
    expect(out).toContain("se=2026-12-01&sig=***");
  });

  it("removes password-like values in plain and JSON key/value pairs", () => {
    expect(redactSecrets("login failed password=hunter2 user=etl")).toBe("login failed password=*** user=etl");
    expect(redactSecrets('{"user":"etl","password":"hun\\"ter2","n":1}')).toBe('{"user":"etl","password":"***","n":1}');
  });

  it("leaves ordinary log lines alone", () => {
    const line = 'messages: raw: 3 docs → raw/messages/date=2026-11-20/messages_20261120_120000.jsonl {"runId":"20261120_120000","collection":"messages"}';
    expect(redactSecrets(line)).toBe(line);
  });
});
