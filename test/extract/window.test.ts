import { ObjectId } from "mongodb";
import { describe, expect, it } from "vitest";
import { typesAfter } from "../../lib/extract/id-order.js";
import { testerFilter, tieBreakFilter, untimedFilter, windowFilter } from "../../lib/extract/window.js";
import { excludedProfileFilter, idForms } from "../../lib/extract/testers.js";

describe("windowFilter", () => {
  const upper = new Date("2026-03-21T00:58:00Z");
  it("starts strictly after the lower time when there is no watermark id", () => {
    const lower = new Date("2026-03-20T23:00:00Z");
    expect(windowFilter({ lower: { createdAt: lower }, upper })).toEqual({
      $and: [{ createdAt: { $gt: lower } }, { createdAt: { $lte: upper } }],
    });
  });

  it("takes later times, or the same time with a later _id", () => {
    const t = new Date("2026-03-20T23:30:00Z");
    const id = new ObjectId("65f000000000000000000001");
    const filter = windowFilter({ lower: { createdAt: t, id }, upper }, { userId: { $nin: ["x"] } });
    expect(filter.$and?.[0]).toEqual({
      $or: [{ createdAt: { $gt: t } }, { $and: [{ createdAt: t }, { $or: [{ _id: { $gt: id } }, { _id: { $type: typesAfter(id) } }] }] }],
    });
    expect(filter.$and?.[2]).toEqual({ userId: { $nin: ["x"] } });
  });

  it("after a string _id also takes every ObjectId (they sort after strings)", () => {
    const later = (tieBreakFilter("abc") as { $or: [unknown, { _id: { $type: string[] } }] }).$or[1]._id.$type;
    expect(later.slice(0, 5)).toEqual(["object", "array", "binData", "objectId", "bool"]);
    expect(later).not.toContain("string");
  });
});

describe("untimedFilter", () => {
  it("gives each ObjectId second to exactly one window", () => {
    const a = new Date("2026-03-21T00:00:00.500Z");
    const b = new Date("2026-03-21T01:00:00.250Z");
    const c = new Date("2026-03-21T02:00:00Z");
    type Range = { $gte: ObjectId; $lt: ObjectId };
    const range = (f: ReturnType<typeof untimedFilter>) => ((f.$and![1] as { $or: { _id: Range }[] }).$or[0]!)._id;
    const first = range(untimedFilter(a, b));
    const second = range(untimedFilter(b, c));
    expect(first.$lt.toHexString()).toBe(second.$gte.toHexString());
    expect(first.$gte.getTimestamp().toISOString()).toBe("2026-03-21T00:00:01.000Z");
  });
});

describe("idForms", () => {
  it("matches an ObjectId and its hex string both ways", () => {
    const id = new ObjectId();
    expect(idForms(id)).toEqual([id, id.toHexString()]);
    const fromHex = idForms(id.toHexString().toUpperCase());
    expect(fromHex).toContain(id.toHexString());
    expect(fromHex.some((v) => v instanceof ObjectId && v.equals(id))).toBe(true);
  });
  it("keeps other ids as they are", () => {
    expect(idForms("user-7")).toEqual(["user-7"]);
  });
});

describe("testerFilter", () => {
  const tester = new ObjectId("65f0000000000000000000aa");
  const erased = idForms(new ObjectId("65f0000000000000000000bb"));
  it("keeps each rule's tester filter when nobody is erased", () => {
    expect(testerFilter("profile", idForms(tester), excludedProfileFilter)).toEqual({ $nor: [excludedProfileFilter] });
    expect(testerFilter("userId", idForms(tester), excludedProfileFilter)).toEqual({ userId: { $nin: idForms(tester) } });
    expect(testerFilter("none", idForms(tester), excludedProfileFilter)).toBeUndefined();
  });

  it("keeps erased students out of every rule: a profile by its own _id, error logs by userId (testers' kept)", () => {
    expect(testerFilter("profile", [], excludedProfileFilter, erased)).toEqual({ $and: [{ $nor: [excludedProfileFilter] }, { _id: { $nin: erased } }] });
    expect(testerFilter("userId", idForms(tester), excludedProfileFilter, erased)).toEqual({ userId: { $nin: [...idForms(tester), ...erased] } });
    expect(testerFilter("none", idForms(tester), excludedProfileFilter, erased)).toEqual({ userId: { $nin: erased } });
  });
});
