import { Double, Int32, Long, ObjectId } from "mongodb";
import { describe, expect, it } from "vitest";
import { documentKey, historyKey, idFromText, idText, isNewer, lineKey, tombstoneLine } from "../../lib/rewrite/raw-history.js";
import { OutOfRangeDate, toRawLine } from "../../lib/transform/bson-values.js";

describe("raw history lines", () => {
  const id = new ObjectId("65f0a1b2c3d4e5f601234567");

  it("keys a version by its _id text and change time, read from canonical Extended JSON", () => {
    const key = lineKey(toRawLine({ _id: id, updatedAt: new Date("2026-03-20T10:00:00Z"), n: 1 }), "updatedAt");
    expect(key).toEqual({ id: idText(id), version: Date.parse("2026-03-20T10:00:00Z"), tombstone: false });
  });

  it("gives a document without the change field the lowest version", () => {
    expect(lineKey(toRawLine({ _id: "a", createdAt: new Date() }), "updatedAt").version).toBe(Number.NEGATIVE_INFINITY);
  });

  it("matches the same id in every type it may hold, and tells types apart", () => {
    expect(idText(id)).toBe(lineKey(toRawLine({ _id: id }), "updatedAt").id);
    expect(idText(id.toHexString())).not.toBe(idText(id));
    expect(idText(7)).not.toBe(idText("7"));
  });

  it("a tombstone wins a tie with the version it retires and loses to a later version", () => {
    const version = new Date("2026-03-20T10:00:00Z");
    const doc = lineKey(toRawLine({ _id: id, updatedAt: version }), "updatedAt");
    const tomb = lineKey(tombstoneLine(id, { reason: "moved", version, at: new Date(), movedTo: "2026-03-19" }), "updatedAt");
    expect(tomb.tombstone).toBe(true);
    expect(isNewer(tomb, doc)).toBe(true);
    expect(isNewer(doc, tomb)).toBe(false);
    const later = lineKey(toRawLine({ _id: id, updatedAt: new Date("2026-03-20T11:00:00Z") }), "updatedAt");
    expect(isNewer(later, tomb)).toBe(true);
  });
});

describe("keys of raw history", () => {
  const id = new ObjectId("65f0a1b2c3d4e5f601234567");
  const version = new Date("2026-03-20T10:00:00Z");

  it("keys a document as its raw line would be keyed, for every id type and a missing or odd change field", () => {
    const docs = [
      { _id: id, updatedAt: version },
      { _id: "a", updatedAt: version },
      { _id: new Int32(7), updatedAt: version },
      { _id: new Double(7), updatedAt: version },
      { _id: Long.fromString("9007199254740993"), createdAt: version },
      { _id: { a: 1 }, updatedAt: "yesterday" },
      { _id: id, updatedAt: new OutOfRangeDate(9_000_000_000_000_000_000n) },
    ];
    for (const doc of docs) expect(documentKey(doc, "updatedAt")).toEqual(lineKey(toRawLine(doc), "updatedAt"));
  });

  it("gives a version and a tombstone of the same time two keys, and equal lines one", () => {
    const doc = lineKey(toRawLine({ _id: id, updatedAt: version, n: 1 }), "updatedAt");
    const same = lineKey(toRawLine({ _id: id, updatedAt: version, n: 2 }), "updatedAt");
    const tomb = lineKey(tombstoneLine(id, { reason: "deleted", version, at: new Date() }), "updatedAt");
    expect(historyKey(same)).toBe(historyKey(doc));
    expect(historyKey(tomb)).not.toBe(historyKey(doc));
  });

  it("turns an id text back into the _id it stands for", () => {
    for (const value of [id, "a", new Int32(7), new Double(7), Long.fromString("9007199254740993")]) expect(idText(idFromText(idText(value)))).toBe(idText(value));
    expect(idFromText(idText(id))).toEqual(id);
  });
});
