import { HttpRequest, InvocationContext, type HttpResponseInit } from "@azure/functions";
import { ObjectId, type Document } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queueSettings } from "../../lib/backfill/queue-settings.js";
import { acceptErasure } from "../../lib/changes/erasure.js";
import { erasureStatusHandler, erasureSubmitHandler } from "../../lib/handlers/erasure-http.js";
import { erasurePoisonHandler, erasureWorkerHandler } from "../../lib/handlers/erasure-queue.js";
import type { EtlContext } from "../../lib/pipeline/context.js";
import { runEtl } from "../../lib/pipeline/run-etl.js";
import { AuditLog } from "../../lib/state/audit-log.js";
import { runCliWith } from "../cli/run-cli.js";
import { readCurated, readJsonl } from "../fixtures/lake-readers.js";
import { deliverAll, deliverNext } from "../fixtures/queue-host.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";

const hex = (id: unknown) => (id instanceof ObjectId ? id.toHexString() : String(id));
const NOW = "2026-03-21T12:00:00Z";
const T = Date.parse(NOW);
const H = 3_600_000;
const oid = (ms: number) => new ObjectId(Math.floor(ms / 1000)); // that second plus a counter and random bytes: never collides

/** A student with a profile, messages (both id forms), a task and an error log across days. */
async function student(stack: TestStack, offsetH: number): Promise<ObjectId> {
  const id = oid(T - offsetH * H);
  await stack.db.collection("profiles").insertOne({ _id: id, createdAt: new Date(T - offsetH * H), gradeLevel: "junior" });
  const at = (h: number) => new Date(T - h * H);
  const docs: Document[] = [
    { _id: oid(T - (offsetH - 1) * H), userId: id, category: "system", createdAt: at(offsetH - 1), studentMessage: "private words", aiResponse: "a" },
    { _id: oid(T - (offsetH - 20) * H), userId: id.toHexString(), category: "system", createdAt: at(offsetH - 20), studentMessage: "private words", aiResponse: "a" },
  ];
  await stack.db.collection("messages").insertMany(docs);
  await stack.db.collection("tasks").insertOne({ _id: oid(T - (offsetH - 2) * H), userId: id, createdAt: at(offsetH - 2), title: "Read", status: "todo" });
  await stack.db.collection("errorlogs").insertOne({ _id: oid(T - (offsetH - 3) * H), userId: id.toHexString(), createdAt: at(offsetH - 3), level: "error", message: "boom" });
  return id;
}

async function everyId(stack: TestStack): Promise<string[]> {
  const out: string[] = [];
  for (const c of ["profiles", "messages", "tasks", "errorlogs"]) {
    for (const d of await readJsonl(stack, "raw", c)) out.push(hex(d._id), hex(d.userId));
    for (const q of await readJsonl(stack, "quarantine", c)) out.push(hex(q.doc._id), hex(q.doc.userId));
    for (const r of (await readCurated(stack, c)).rows) out.push(String(r.id), String(r.user_id));
  }
  return out.map((s) => s.toLowerCase());
}

const invocation = () => new InvocationContext({ invocationId: "t", functionName: "erasure", logHandler: () => undefined });
const body = (r: HttpResponseInit) => (r.jsonBody ?? {}) as Record<string, unknown>;

describe("erasure", () => {
  let stack: TestStack;
  let kept: ObjectId;
  beforeAll(async () => {
    stack = await createTestStack("erasure");
    kept = await student(stack, 40);
  });
  const queue = () => stack.ctx.storage.queue(stack.config.queues.erasure);
  const poison = () => stack.ctx.storage.queue(`${stack.config.queues.erasure}-poison`);
  afterAll(async () => {
    await stack.close();
    await closeTestClients();
  });

  it("through the CLI removes every row of the student from every zone and collection, audited; refuses an unknown id", async () => {
    const gone = await student(stack, 30);
    await runEtl(stack.ctx, { now: new Date(NOW) });
    expect(await everyId(stack)).toContain(gone.toHexString());

    const unknown = await runCliWith(stack.env, ["erase", "--user", new ObjectId().toHexString()]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/No profile has id [0-9a-f]{24}; nothing erased/);

    const erased = await runCliWith(stack.env, ["erase", "--user", gone.toHexString(), "--reason", "ticket PRIV-12"]);
    expect(erased.code, erased.err).toBe(0);
    expect(erased.out).toMatch(/^erasure [0-9a-f-]{36}: done, \d+ rows removed from \d+ partitions/);
    const ids = await everyId(stack);
    expect(ids).not.toContain(gone.toHexString());
    expect(ids).toContain(kept.toHexString());
    expect(erased.out + erased.err).not.toContain("private words");

    // Kept out afterwards: a new message of the erased student is not extracted.
    await stack.db.collection("messages").insertOne({ _id: oid(T + 0.5 * H), userId: gone, category: "system", createdAt: new Date(T + 0.5 * H), studentMessage: "x", aiResponse: "y" });
    await runEtl(stack.ctx, { now: new Date(T + H) });
    expect((await readJsonl(stack, "raw", "messages")).map((d) => hex(d.userId).toLowerCase())).not.toContain(gone.toHexString());
  });

  it("through POST /api/erasure: 202 accepted and queued; the queue worker erases; GET shows accepted then done", async () => {
    const submit = erasureSubmitHandler(async () => stack.ctx);
    const status = erasureStatusHandler(async () => stack.ctx);
    const worker = erasureWorkerHandler(async () => stack.ctx);
    const post = (b: unknown) => submit(new HttpRequest({ method: "POST", url: "http://localhost:7071/api/erasure", body: { string: JSON.stringify(b) } }), invocation());
    const get = async (requestId: string) => body(await status(new HttpRequest({ method: "GET", url: `http://localhost:7071/api/erasure/${requestId}`, params: { requestId } }), invocation()));

    expect((await post({ userId: kept.toHexString() })).status).toBe(400); // reason missing
    expect((await post({ userId: new ObjectId().toHexString(), reason: "t" })).status).toBe(404);
    expect((await queue().peekMessages()).peekedMessageItems, "refused requests queue nothing").toEqual([]);

    const answer = await post({ userId: kept.toHexString(), reason: "ticket PRIV-13" });
    expect(answer.status).toBe(202);
    const { requestId, statusUrl, status: answered } = body(answer) as { requestId: string; statusUrl: string; status: string };
    expect(answered).toBe("accepted");
    expect(statusUrl).toBe(`http://localhost:7071/api/erasure/${requestId}`);
    expect(await get(requestId)).toMatchObject({ status: "accepted", profileId: kept.toHexString() });
    // Nothing erased yet: the POST only recorded and queued the request.
    expect(await everyId(stack)).toContain(kept.toHexString());

    const deliveries = await deliverAll(queue(), poison(), worker, queueSettings.maxDequeueCount);
    expect(deliveries).toEqual([{ dequeueCount: 1, outcome: "done" }]);
    const done = await get(requestId);
    expect(done).toMatchObject({ profileId: kept.toHexString(), status: "done", reason: "ticket PRIV-13" });
    const partitions = done.partitions as { collection: string; raw: number }[];
    expect(new Set(partitions.map((p) => p.collection))).toEqual(new Set(["profiles", "messages", "tasks", "errorlogs"]));
    expect(JSON.stringify(done)).not.toContain("private words");
    // Gone from raw, quarantine and curated (read back by DuckDB) of every collection.
    expect(await everyId(stack)).not.toContain(kept.toHexString());
    expect((await readCurated(stack, "messages")).rows.map((r) => String(r.user_id).toLowerCase())).not.toContain(kept.toHexString());

    const rows = await new AuditLog(stack.ctx.storage.table(stack.config.tables.audit)).doneKeys("erasure");
    expect(rows.size).toBe(2);
  });

  it("a request whose erasure always fails ends in the poison queue, failed with a redacted reason; the rows stay until it is run again", async () => {
    const victim = await student(stack, -1.5); // after the earlier runs' watermarks
    await runEtl(stack.ctx, { now: new Date(T + 30 * H) });
    expect(await everyId(stack)).toContain(victim.toHexString());
    const submit = erasureSubmitHandler(async () => stack.ctx);
    const answer = await submit(new HttpRequest({ method: "POST", url: "http://localhost:7071/api/erasure", body: { string: JSON.stringify({ userId: victim.toHexString(), reason: "ticket PRIV-14" }) } }), invocation());
    expect(answer.status).toBe(202);
    const { requestId } = body(answer) as { requestId: string };

    // Every attempt fails the same way: its lake has no raw container.
    const broken: EtlContext = { ...stack.ctx, config: { ...stack.config, containers: { ...stack.config.containers, raw: "no-such-raw-container" } } };
    const worker = erasureWorkerHandler(async () => broken);
    const audit = new AuditLog(stack.ctx.storage.table(stack.config.tables.audit));
    const first = await deliverNext(queue(), poison(), worker, queueSettings.maxDequeueCount);
    expect(first).toMatchObject({ dequeueCount: 1, outcome: "failed" });
    expect(await audit.get("erasure", requestId), "waiting for its retry").toMatchObject({ status: "accepted", error: expect.stringMatching(/^attempt 1\/5: /) });

    const rest = await deliverAll(queue(), poison(), worker, queueSettings.maxDequeueCount);
    expect(rest.map((d) => d.outcome)).toEqual(["failed", "failed", "failed", "poisoned"]);
    expect(rest.at(-1)!.dequeueCount).toBe(queueSettings.maxDequeueCount);
    const poisoned = (await poison().peekMessages()).peekedMessageItems;
    expect(poisoned.map((m) => JSON.parse(m.messageText))).toEqual([{ v: 1, requestId }]);

    // The poison trigger finds it already failed (its last attempt said why) and leaves the reason.
    const poisonHandler = erasurePoisonHandler(async () => stack.ctx);
    expect(await deliverAll(poison(), poison(), poisonHandler, 1)).toEqual([{ dequeueCount: 1, outcome: "done" }]);
    const failed = await audit.get("erasure", requestId);
    expect(failed?.status).toBe("failed");
    expect(failed?.error).toMatch(/^attempt 5\/5: .*container/i);
    // Redacted: neither the storage key nor any document text reaches the record GET shows.
    const key = /AccountKey=([^;]+)/.exec(stack.env.LAKE_STORAGE!)![1]!;
    expect(failed?.error).not.toContain(key);
    expect(JSON.stringify(failed)).not.toContain("private words");
    expect(await everyId(stack)).toContain(victim.toHexString());

    // A request the worker never finished (killed) is marked failed by the poison trigger.
    const orphan = await acceptErasure(stack.ctx, { userId: victim.toHexString(), reason: "ticket PRIV-15" });
    await poison().sendMessage(JSON.stringify({ v: 1, requestId: orphan.key }));
    await deliverAll(poison(), poison(), poisonHandler, 1);
    expect(await audit.get("erasure", orphan.key)).toMatchObject({ status: "failed", error: expect.stringMatching(/worker stopped without recording an error/) });

    // Run again in-process (the CLI's way), it finishes.
    const again = await runCliWith(stack.env, ["erase", "--user", victim.toHexString(), "--reason", "ticket PRIV-14"]);
    expect(again.code, again.err).toBe(0);
    expect(await everyId(stack)).not.toContain(victim.toHexString());
  });
});
