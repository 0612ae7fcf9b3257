import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { BSON, ObjectId, type Document } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getCollection } from "../../lib/collections/index.js";
import { OffDayPlacements, PlacementStore } from "../../lib/changes/placements.js";
import { runEtl } from "../../lib/pipeline/run-etl.js";
import { idText, TOMBSTONE_FIELD } from "../../lib/rewrite/index.js";
import { readCurated } from "../fixtures/lake-readers.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";

/**
 * Found by the fault-schedule simulation: the change pass looked for a moved document's old day in
 * its own placement records, else on its ObjectId's day; a document the insert path had placed on
 * another day (a string _id, or a createdAt on another day than its ObjectId's) kept its raw line and
 * curated row there when it moved: curated held it twice until the nightly reconcile.
 */
const H = 3_600_000;
const T0 = Date.parse("2026-03-20T12:00:00Z");
const messages = getCollection("messages");
const hex = (id: unknown) => (id instanceof ObjectId ? id.toHexString() : String(id));
const dayOf = (row: Record<string, unknown>) => (row.date instanceof Date ? row.date.toISOString().slice(0, 10) : String(row.date));

/** Raw lines by the day of the file that holds them (`date=YYYY-MM-DD` in its path). */
async function rawByDay(stack: TestStack): Promise<{ day: string; doc: Document }[]> {
  const walk = (dir: string): string[] => readdirSync(dir).flatMap((e) => (statSync(join(dir, e)).isDirectory() ? walk(join(dir, e)) : [join(dir, e)]));
  const out: { day: string; doc: Document }[] = [];
  for (const file of walk(await stack.downloadZone("raw", "messages")).filter((f) => f.endsWith(".jsonl"))) {
    const day = /date=(\d{4}-\d{2}-\d{2})/.exec(file)![1]!;
    for (const line of readFileSync(file, "utf8").split("\n").filter(Boolean)) out.push({ day, doc: BSON.EJSON.parse(line, { relaxed: false }) as Document });
  }
  return out;
}

function message(_id: unknown, createdAt: Date): Document {
  return { _id, userId: new ObjectId(), category: "question", createdAt, updatedAt: createdAt, studentMessage: "How do I balance a redox equation?", aiResponse: "Half-reactions first." };
}

describe("a moved document the insert path placed off its ObjectId's day", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack("move-off-id-day");
  });
  afterAll(async () => {
    await stack.close();
    await closeTestClients();
  });

  it("leaves its old day (moved tombstone in raw) and is in curated once, on its new day", async () => {
    // A string _id on 2026-03-20; an ObjectId of 2026-03-20 whose createdAt says 2026-03-19.
    const stringId = message("msg-legacy-0001", new Date(T0 - 2 * H));
    const earlier = message(new ObjectId(Math.floor((T0 - 2 * H) / 1000)), new Date(T0 - 30 * H));
    await stack.db.collection("messages").insertMany([stringId, earlier]);
    await runEtl(stack.ctx, { collections: [messages], now: new Date(T0) });
    expect((await readCurated(stack, "messages")).rows.map((r) => [r.id, dayOf(r)]).sort()).toEqual([
      [hex(earlier._id), "2026-03-19"],
      [hex(stringId._id), "2026-03-20"],
    ]);

    const moves: [Document, string, string][] = [
      [stringId, "2026-03-20", "2026-03-18"],
      [earlier, "2026-03-19", "2026-03-17"],
    ];
    for (const [doc, , to] of moves) {
      await stack.db.collection("messages").updateOne({ _id: doc._id }, { $set: { createdAt: new Date(`${to}T08:00:00Z`), updatedAt: new Date(T0 + 60_000) } });
    }
    const run = await runEtl(stack.ctx, { collections: [messages], now: new Date(T0 + 2 * H) });
    expect(run.changesFailed).toEqual([]);

    const rows = (await readCurated(stack, "messages")).rows;
    // Both forms at once, so each is seen failing on its own: the days curated holds each document on.
    expect(moves.map(([doc]) => rows.filter((r) => r.id === hex(doc._id)).map(dayOf))).toEqual(moves.map(([, , to]) => [to]));
    const raw = await rawByDay(stack);
    for (const [doc, from, to] of moves) {
      const tombstones = raw.filter((l) => hex(l.doc._id) === hex(doc._id) && l.doc[TOMBSTONE_FIELD]);
      expect(tombstones.map((l) => [l.day, l.doc[TOMBSTONE_FIELD]])).toMatchObject([[from, { reason: "moved", movedTo: to }]]);
      // The new day holds the moved version as its newest line.
      expect(raw.filter((l) => hex(l.doc._id) === hex(doc._id) && l.day === to && !l.doc[TOMBSTONE_FIELD])).toHaveLength(1);
    }
  });

  it("placement rows: added idempotently, found per id, settled to the new day", async () => {
    const store = new PlacementStore(stack.ctx.storage.table(stack.config.tables.watermarks));
    const onIdDay = new ObjectId(Math.floor(Date.parse("2026-02-01T10:00:00Z") / 1000));
    const placed = new OffDayPlacements();
    for (const id of ["ab", "abc", "b"]) placed.note(id, "2026-02-02");
    placed.note("ab", "2026-02-03");
    placed.note(onIdDay, "2026-02-01"); // on its ObjectId's day: no row
    expect(placed.size).toBe(4);
    await store.add("placetest", placed);
    await store.add("placetest", placed); // a replay writes the same rows
    const days = (m: Map<string, { day: string }[]>, id: unknown) => (m.get(idText(id)) ?? []).map((p) => p.day).sort();
    const found = await store.lookup("placetest", ["ab", "abc", onIdDay]);
    expect([days(found, "ab"), days(found, "abc"), days(found, onIdDay)]).toEqual([["2026-02-02", "2026-02-03"], ["2026-02-02"], []]);
    expect(found.size).toBe(2);
    expect([...(await store.load("placetest")).values()].flat()).toHaveLength(4);

    await store.settle("placetest", [{ id: "ab", day: "2026-02-05" }], found);
    const after = await store.lookup("placetest", ["ab", "abc"]);
    expect([days(after, "ab"), days(after, "abc")]).toEqual([["2026-02-05"], ["2026-02-02"]]);
    await store.settle("placetest", [{ id: onIdDay, day: "2026-02-01" }], new Map()); // back on its ObjectId's day: nothing to write
    expect([...(await store.load("placetest")).values()].flat()).toHaveLength(3);
  });
});
