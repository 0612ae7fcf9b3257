import { ObjectId, type Document } from "mongodb";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { AuditLog } from "../../lib/state/audit-log.js";
import { readCurated, readJsonl } from "../fixtures/lake-readers.js";
import { runCliProcess } from "../cli/run-cli.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";

const hex = (id: unknown) => (id instanceof ObjectId ? id.toHexString() : String(id));
const FIRST = "2026-03-21T12:00:00Z";
const SECOND = "2026-03-21T13:00:00Z";

const runCli = (stack: TestStack, now: string, extraEnv: Record<string, string> = {}) =>
  runCliProcess({ ...stack.env, ETL_LEASE_WAIT_SECONDS: "40", ...extraEnv }, ["run", "--collection", "messages", "--now", now]);

describe("late-flag purge crash safety", () => {
  let stack: TestStack;
  beforeEach(async () => {
    stack = await createTestStack("purgecrash");
  });
  afterEach(async () => stack.close());
  afterAll(closeTestClients);

  it.each(["purge-written:1", "purge-written:2", "purge-before-commit"])("a purge killed at %s and run again removes the rows once and audits once", async (point) => {
    const flagged = new ObjectId();
    const student = new ObjectId();
    await stack.db.collection("profiles").insertMany([{ _id: flagged, createdAt: new Date("2026-03-19T00:00:00Z") }, { _id: student, createdAt: new Date("2026-03-19T00:00:00Z") }]);
    const docs: Document[] = Array.from({ length: 24 }, (_, i) => {
      const createdAt = new Date(Date.parse("2026-03-20T00:00:00Z") + i * 1.5 * 3_600_000);
      const user = i % 3 === 0 ? flagged : i % 3 === 1 ? flagged.toHexString() : student;
      return { _id: ObjectId.createFromTime(createdAt.getTime() / 1000 + i), userId: user, category: "system", createdAt, studentMessage: "q", aiResponse: "a" };
    });
    await stack.db.collection("messages").insertMany(docs);
    expect((await runCli(stack, FIRST)).code).toBe(0);
    await stack.db.collection("profiles").updateOne({ _id: flagged }, { $set: { isArchived: true } });

    const crashed = await runCli(stack, SECOND, { ETL_FAULT_CRASH_AT: point });
    expect(crashed.signal, crashed.output).toBe("SIGKILL");
    const rerun = await runCli(stack, SECOND);
    expect(rerun.code, rerun.output).toBe(0);

    const theirs = docs.filter((d) => hex(d.userId) === flagged.toHexString()).map((d) => hex(d._id));
    const kept = docs.filter((d) => !theirs.includes(hex(d._id))).map((d) => hex(d._id)).sort();
    expect((await readCurated(stack, "messages")).rows.map((r) => String(r.id)).sort()).toEqual(kept);
    expect((await readJsonl(stack, "raw", "messages")).map((d) => hex(d._id)).sort()).toEqual(kept); // other lines once each
    const audit = new AuditLog(stack.ctx.storage.table(stack.config.tables.audit));
    const keys = [...(await audit.doneKeys("purge"))].filter((k) => k.endsWith(".messages"));
    expect(keys).toHaveLength(1);
    const record = (await audit.get("purge", keys[0]!))!;
    expect(record.rule).toBe("isArchived");
    // The audit counts what was removed, including what the killed pass removed before it died.
    const sum = (zone: "raw" | "curated") => record.partitions.reduce((n, p) => n + p[zone], 0);
    expect({ raw: sum("raw"), curated: sum("curated") }).toEqual({ raw: theirs.length, curated: theirs.length });
    expect(new Set(record.partitions.map((p) => p.day)).size).toBe(record.partitions.length);
  });
});
