import { describe, expect, it } from "vitest";
import { collections, getCollection } from "../../lib/collections/index.js";
import { createIndexCommand, requiredIndexes, servesIndex } from "../../lib/ops/index.js";

describe("indexes the cursors need", () => {
  it("asks every collection for (createdAt, _id) and (its change field, _id)", () => {
    for (const spec of collections) {
      expect(requiredIndexes(spec).map((i) => i.key)).toEqual([{ createdAt: 1, _id: 1 }, { [spec.changeField ?? "updatedAt"]: 1, _id: 1 }]);
    }
  });

  it.each([
    [{ createdAt: 1, _id: 1 }, true],
    [{ createdAt: -1, _id: -1 }, true],
    [{ createdAt: 1, _id: 1, userId: 1 }, true],
    [{ createdAt: 1 }, false],
    [{ createdAt: 1, _id: -1 }, false],
    [{ _id: 1, createdAt: 1 }, false],
    [{ createdAt: "hashed" }, false],
  ])("an index on %o serves (createdAt, _id): %s", (key, serves) => {
    expect(servesIndex(key, { createdAt: 1, _id: 1 })).toBe(serves);
  });

  it("prints the mongosh line to paste", () => {
    expect(createIndexCommand("messages", requiredIndexes(getCollection("messages"))[0]!.key)).toBe('db.getCollection("messages").createIndex({ createdAt: 1, _id: 1 })');
    expect(createIndexCommand("x", { "meta.at": 1 })).toBe('db.getCollection("x").createIndex({ "meta.at": 1 })');
  });
});
