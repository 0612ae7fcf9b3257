import { ObjectId, type Document } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseBackfillRequest } from "../../lib/backfill/request.js";
import { submitBackfill } from "../../lib/backfill/submit.js";
import { acceptErasure, runErasure } from "../../lib/changes/erasure.js";
import { reconcile } from "../../lib/changes/reconcile.js";
import { getCollection } from "../../lib/collections/index.js";
import { loadTesterExclusion } from "../../lib/extract/testers.js";
import { runCollection } from "../../lib/pipeline/run-collection.js";
import { runEtl } from "../../lib/pipeline/run-etl.js";
import { drainJob } from "../backfill/fixtures.js";
import { readCurated, readJsonl } from "../fixtures/lake-readers.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";

/**
 * The erased student's own profile row (profiles, by _id) stays out of the lake when the profile
 * changes in MongoDB before the platform deletes it: the change pass, a backfill of its day and
 * reconcile all leave it out, while another profile of the same day changes and stays.
 */
const NOW = new Date("2026-03-21T12:00:00Z");
const H = 3_600_000;
const DAY = "2026-03-21";
const profiles = getCollection("profiles");
const messages = getCollection("messages");
const specs = [profiles, messages];
const oid = (ms: number) => new ObjectId(Math.floor(ms / 1000));
const hex = (id: unknown) => (id instanceof ObjectId ? id.toHexString() : String(id)).toLowerCase();

describe("an erased profile's own row never returns", () => {
  let stack: TestStack;
  const gone = oid(NOW.getTime() - 5 * H);
  const kept = oid(NOW.getTime() - 4 * H);

  /** Every profile id in raw, quarantine and curated (DuckDB), and every userId of messages. */
  const everywhere = async () => {
    const ids: string[] = [];
    for (const d of await readJsonl(stack, "raw", "profiles")) ids.push(hex(d._id));
    for (const q of await readJsonl(stack, "quarantine", "profiles")) ids.push(hex((q.doc as Document)._id));
    for (const r of (await readCurated(stack, "profiles")).rows) ids.push(hex(r.id));
    for (const d of await readJsonl(stack, "raw", "messages")) ids.push(hex(d.userId));
    for (const r of (await readCurated(stack, "messages")).rows) ids.push(hex(r.user_id));
    return ids;
  };
  const curatedGrade = async (id: ObjectId) => (await readCurated(stack, "profiles")).rows.find((r) => hex(r.id) === id.toHexString())?.grade_level;

  beforeAll(async () => {
    stack = await createTestStack("erased-profile");
    const at = (h: number) => new Date(NOW.getTime() - h * H);
    await stack.db.collection("profiles").insertMany([
      { _id: gone, createdAt: at(5), updatedAt: at(5), gradeLevel: "junior" },
      { _id: kept, createdAt: at(4), updatedAt: at(4), gradeLevel: "junior" },
    ]);
    await stack.db.collection("messages").insertMany([
      { _id: oid(at(3).getTime()), userId: gone, category: "system", createdAt: at(3), studentMessage: "s", aiResponse: "a" },
      { _id: oid(at(2).getTime()), userId: kept, category: "system", createdAt: at(2), studentMessage: "s", aiResponse: "a" },
    ]);
    await runEtl(stack.ctx, { collections: specs, now: NOW });
    expect(await everywhere()).toContain(gone.toHexString());

    const request = await acceptErasure(stack.ctx, { userId: gone.toHexString(), reason: "ticket PRIV-21" }, NOW);
    expect((await runErasure(stack.ctx, request.key)).status).toBe("done");
    expect(await everywhere()).not.toContain(gone.toHexString());

    // Both profiles change in MongoDB after the erasure (the platform has not deleted it yet).
    const changed = new Date(NOW.getTime() + 10 * 60_000);
    await stack.db.collection("profiles").updateMany({ _id: { $in: [gone, kept] } }, { $set: { gradeLevel: "senior", updatedAt: changed } });
  });
  afterAll(async () => {
    await stack.close();
    await closeTestClients();
  });

  it("the hourly run's change pass carries the other profile's change and leaves the erased one out", async () => {
    const summary = await runEtl(stack.ctx, { collections: specs, now: new Date(NOW.getTime() + H) });
    expect(summary.failed, JSON.stringify(summary.failed)).toEqual([]);
    expect(await curatedGrade(kept)).toBe("senior"); // the pass ran and saw the change
    expect(await everywhere()).not.toContain(gone.toHexString());
  });

  it("a later error log of the erased student stays out too (error logs keep testers', not erased students')", async () => {
    const at = new Date(NOW.getTime() + 1.5 * H);
    await stack.db.collection("errorlogs").insertMany([
      { _id: oid(at.getTime()), userId: gone.toHexString(), createdAt: at, level: "error", message: "boom" },
      { _id: oid(at.getTime() + 1000), userId: kept, createdAt: at, level: "error", message: "boom" },
    ]);
    const summary = await runEtl(stack.ctx, { collections: [getCollection("errorlogs")], now: new Date(NOW.getTime() + 2 * H) });
    expect(summary.failed, JSON.stringify(summary.failed)).toEqual([]);
    expect((await readJsonl(stack, "raw", "errorlogs")).map((d) => hex(d.userId))).toEqual([kept.toHexString()]);
  });

  it("a backfill of the profile's day rebuilds the other profile and not the erased one", async () => {
    const parsed = parseBackfillRequest({ from: DAY, to: DAY, collections: ["profiles", "messages"] }, new Date(NOW.getTime() + H));
    if (!parsed.ok) throw new Error(parsed.problems.join("; "));
    const job = await submitBackfill(stack.ctx, parsed.request, { now: new Date(NOW.getTime() + H) });
    await drainJob(stack, job.jobId, { now: () => new Date(NOW.getTime() + H) });
    const ids = await everywhere();
    expect(ids).toContain(kept.toHexString());
    expect(ids).not.toContain(gone.toHexString());
  });

  it("reconcile of its day finds nothing missing and loads nothing back", async () => {
    const result = await reconcile(stack.ctx, { days: 1, collections: specs, now: new Date(NOW.getTime() + H) });
    expect(result.days.map((d) => ({ collection: d.collection, missing: d.missing, extra: d.extra }))).toEqual([
      { collection: "profiles", missing: 0, extra: 0 },
      { collection: "messages", missing: 0, extra: 0 },
    ]);
    const ids = await everywhere();
    expect(ids).toContain(kept.toHexString());
    expect(ids).not.toContain(gone.toHexString());
  });

  it("an insert window given an exclusion read before the erasure still leaves the student out (erasures are read again under the lease)", async () => {
    const at = new Date(NOW.getTime() + 1.5 * H);
    await stack.db.collection("messages").insertMany([
      { _id: oid(at.getTime()), userId: gone, category: "system", createdAt: at, studentMessage: "s", aiResponse: "a" },
      { _id: oid(at.getTime() + 1000), userId: kept, category: "system", createdAt: at, studentMessage: "s", aiResponse: "a" },
    ]);
    const stale = await loadTesterExclusion(stack.db); // as a run that started before the request
    const summary = await runCollection(stack.ctx, messages, { now: new Date(NOW.getTime() + 3 * H), exclusion: stale });
    expect(summary.outcome, summary.error).toBe("success");
    expect(summary.extracted).toBe(1);
    const ids = await everywhere();
    expect(ids).not.toContain(gone.toHexString());
    expect(ids.filter((id) => id === kept.toHexString()).length).toBeGreaterThan(0);
  });
});
