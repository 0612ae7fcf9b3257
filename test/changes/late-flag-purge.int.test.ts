import { ObjectId, type Document } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runEtl } from "../../lib/pipeline/run-etl.js";
import { AuditLog } from "../../lib/state/audit-log.js";
import { readCurated, readJsonl } from "../fixtures/lake-readers.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";

const hex = (id: unknown) => (id instanceof ObjectId ? id.toHexString() : String(id));
const T0 = Date.parse("2026-03-20T12:00:00Z");
const H = 3_600_000;
const at = (ms: number) => new Date(ms);
const oid = (ms: number) => new ObjectId(Math.floor(ms / 1000)); // that second plus a counter and random bytes: never collides

function profile(ms: number, extra: Document = {}): Document {
  return { _id: oid(ms), createdAt: at(ms), updatedAt: at(ms), gradeLevel: "freshman", ...extra };
}
function message(user: unknown, ms: number, extra: Document = {}): Document {
  return { _id: oid(ms), userId: user, category: "system", createdAt: at(ms), updatedAt: at(ms), studentMessage: "hello", aiResponse: "hi", ...extra };
}

/** Every user id and _id the lake holds for a collection, all zones. */
async function idsInLake(stack: TestStack, collection: string): Promise<string[]> {
  const raw = (await readJsonl(stack, "raw", collection)).flatMap((d) => [hex(d._id), hex(d.userId)]);
  const quarantine = (await readJsonl(stack, "quarantine", collection)).flatMap((q) => [hex(q.doc._id), hex(q.doc.userId)]);
  const curated = (await readCurated(stack, collection)).rows.flatMap((r) => [String(r.id), String(r.user_id)]);
  return [...raw, ...quarantine, ...curated];
}

describe("a profile flagged after its data landed", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack("purge");
  });
  afterAll(async () => {
    await stack.close();
    await closeTestClients();
  });

  it("is removed from raw, curated and quarantine of every collection within one cycle, in both id forms, audited", async () => {
    const student = profile(T0 - 50 * H);
    const flagged = profile(T0 - 49 * H);
    await stack.db.collection("profiles").insertMany([student, flagged]);
    const fid = flagged._id as ObjectId;
    const theirs = [
      message(fid, T0 - 40 * H),
      message(fid.toHexString(), T0 - 20 * H),
      message(fid.toHexString().toUpperCase(), T0 - 19 * H),
      { ...message(fid, T0 - 18 * H), createdAt: "yesterday" }, // untimed: quarantine only
    ];
    const others = [message(student._id, T0 - 40 * H), message(student._id, T0 - 20 * H)];
    await stack.db.collection("messages").insertMany([...theirs, ...others]);
    const path = { _id: oid(T0 - 30 * H), userId: fid.toHexString(), createdAt: at(T0 - 30 * H), updatedAt: at(T0 - 30 * H), title: "Optics", status: "active" };
    await stack.db.collection("paths").insertOne(path);

    await runEtl(stack.ctx, { now: at(T0) });
    expect(await idsInLake(stack, "messages")).toContain(fid.toHexString());

    await stack.db.collection("profiles").updateOne({ _id: fid }, { $set: { isTester: true, updatedAt: at(T0 + 10 * 60_000) } });
    await runEtl(stack.ctx, { now: at(T0 + H) });

    for (const collection of ["profiles", "messages", "paths"]) {
      const ids = (await idsInLake(stack, collection)).map((s) => s.toLowerCase());
      expect(ids, collection).not.toContain(fid.toHexString());
    }
    expect((await readCurated(stack, "messages")).rows.map((r) => r.id).sort()).toEqual(others.map((d) => hex(d._id)).sort());
    expect((await readCurated(stack, "profiles")).rows.map((r) => r.id)).toEqual([hex(student._id)]);

    const audit = new AuditLog(stack.ctx.storage.table(stack.config.tables.audit));
    const done = await audit.doneKeys("purge");
    const messagesKey = [...done].find((k) => k.endsWith(".messages"))!;
    const record = await audit.get("purge", messagesKey);
    expect(record).toMatchObject({ profileId: fid.toHexString(), rule: "isTester", status: "done" });
    expect(record!.partitions.reduce((n, p) => n + p.raw, 0)).toBe(3);
    expect(record!.partitions.reduce((n, p) => n + p.curated, 0)).toBe(3);
    expect(record!.partitions.reduce((n, p) => n + p.quarantine, 0)).toBe(1);
    expect(JSON.stringify(record)).not.toContain("hello");

    // Purged once: the next cycle finds nothing to do and rewrites nothing.
    const files = await stack.lakeFiles("curated", "messages");
    await runEtl(stack.ctx, { now: at(T0 + 2 * H) });
    expect(await stack.lakeFiles("curated", "messages")).toEqual(files);
  });
});
