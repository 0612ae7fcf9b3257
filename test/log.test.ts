import { describe, expect, it } from "vitest";
import { createLogger, formatLine, memorySink } from "../lib/log.js";

describe("createLogger", () => {
  it("redacts every record before any sink sees it: message, fields and the child's context", () => {
    const sink = memorySink();
    const log = createLogger(sink, { uri: "mongodb://etl:ctxPw123@db.example.net/db" }).child({ runId: "r1" });
    log.error("MongoDB connection failed (mongodb://etl:msgPw456@db.example.net)", { headers: { authorization: "Bearer fieldTok789" }, password: "fieldPw" });
    const text = sink.records.map(formatLine).join("\n");
    for (const secret of ["ctxPw123", "msgPw456", "fieldTok789", "fieldPw"]) expect(text).not.toContain(secret);
    expect(sink.records[0]!.fields).toMatchObject({ runId: "r1", password: "***" });
    expect(text).toContain("db.example.net");
  });
});
