import { ObjectId, type Document } from "mongodb";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { TOMBSTONE_FIELD } from "../../lib/rewrite/index.js";
import { ChangeMarkStore } from "../../lib/state/change-marks.js";
import { readCurated, readJsonl } from "../fixtures/lake-readers.js";
import { runCliProcess } from "../cli/run-cli.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";

const hex = (id: unknown) => (id instanceof ObjectId ? id.toHexString() : String(id));
const FIRST = "2026-03-21T12:00:00Z";
const SECOND = "2026-03-21T13:00:00Z";

const runCli = (stack: TestStack, now: string, extraEnv: Record<string, string> = {}) =>
  runCliProcess({ ...stack.env, ETL_LEASE_WAIT_SECONDS: "40", ...extraEnv }, ["--collection", "messages", "--now", now]);

/** 30 messages over two days, each ObjectId made at its createdAt. */
function messages(): Document[] {
  return Array.from({ length: 30 }, (_, i) => {
    const createdAt = new Date(Date.parse("2026-03-20T02:00:00Z") + i * 3_600_000);
    return {
      _id: ObjectId.createFromTime(createdAt.getTime() / 1000 + i),
      userId: new ObjectId(),
      category: "question",
      createdAt,
      updatedAt: createdAt,
      studentMessage: "Why is the sky blue?",
      aiResponse: "Rayleigh scattering of shorter wavelengths by air molecules.",
    };
  });
}

describe("change pass crash safety", () => {
  let stack: TestStack;
  beforeEach(async () => {
    stack = await createTestStack("chgcrash");
  });
  afterEach(async () => stack.close());
  afterAll(closeTestClients);

  it.each(["changes-claimed", "changes-day-written:1", "changes-day-written:2", "changes-before-commit", "changes-after-commit"])(
    "a change pass killed at %s and run again applies every change exactly once",
    async (point) => {
      const docs = messages();
      const col = stack.db.collection("messages");
      await col.insertMany(docs);
      expect((await runCli(stack, FIRST)).code).toBe(0);

      const changedAt = new Date("2026-03-21T12:30:00Z");
      const rated = docs.slice(0, 6);
      await col.updateMany({ _id: { $in: rated.map((d) => d._id) } }, { $set: { rating: 4, updatedAt: changedAt } });
      const moved = docs[25]!; // 2026-03-21 → 2026-03-20
      await col.updateOne({ _id: moved._id }, { $set: { createdAt: new Date("2026-03-20T09:00:00Z"), updatedAt: changedAt } });

      const crashed = await runCli(stack, SECOND, { ETL_FAULT_CRASH_AT: point });
      expect(crashed.signal, crashed.output).toBe("SIGKILL");
      const rerun = await runCli(stack, SECOND);
      expect(rerun.code, rerun.output).toBe(0);
      if (point !== "changes-after-commit") expect(rerun.output).toContain("replaying unfinished change pass");

      const rows = (await readCurated(stack, "messages")).rows;
      expect(rows.map((r) => r.id).sort()).toEqual(docs.map((d) => hex(d._id)).sort());
      for (const d of rated) expect(rows.find((r) => r.id === hex(d._id))!.rating).toBe(4n);
      const movedRow = rows.find((r) => r.id === hex(moved._id))!;
      expect(String(movedRow.date instanceof Date ? movedRow.date.toISOString() : movedRow.date).slice(0, 10)).toBe("2026-03-20");

      const raw = await readJsonl(stack, "raw", "messages");
      const versions = raw.filter((d) => !d[TOMBSTONE_FIELD]).map((d) => `${hex(d._id)}@${(d.updatedAt as Date).toISOString()}`);
      expect(new Set(versions).size).toBe(versions.length); // once per (_id, updatedAt)
      expect(versions).toHaveLength(docs.length + rated.length + 1);
      expect(raw.filter((d) => d[TOMBSTONE_FIELD])).toHaveLength(1);
      const mark = await new ChangeMarkStore(stack.ctx.storage.table(stack.config.tables.watermarks)).read("messages");
      expect(mark.pending).toBeUndefined();
    },
  );
});
