import { ObjectId } from "mongodb";
import { describe, expect, it } from "vitest";
import { typesAfter } from "../../lib/extract/id-order.js";
import { changeSort, changeWindowFilter } from "../../lib/changes/change-window.js";

describe("change window filter", () => {
  const lower = new Date("2026-03-19T00:00:00Z");
  const upper = new Date("2026-03-20T11:58:00Z");

  it("starts after `lower` when no change was committed yet, and stops at the settled upper bound", () => {
    expect(changeWindowFilter("updatedAt", undefined, lower, upper)).toEqual({
      $and: [{ updatedAt: { $gt: lower } }, { updatedAt: { $lte: upper, $type: "date" } }],
    });
  });

  it("continues after the committed (change time, _id) with the BSON tie-break on _id", () => {
    const id = new ObjectId();
    const changedAt = new Date("2026-03-20T10:00:00Z");
    const filter = changeWindowFilter("editedAt", { changedAt, id }, lower, upper, [{ userId: { $nin: [] } }]) as { $and: unknown[] };
    expect(filter.$and[0]).toEqual({
      $or: [{ editedAt: { $gt: changedAt } }, { $and: [{ editedAt: changedAt }, { $or: [{ _id: { $gt: id } }, { _id: { $type: typesAfter(id) } }] }] }],
    });
    expect(filter.$and).toHaveLength(3);
    expect(changeSort("editedAt")).toEqual({ editedAt: 1, _id: 1 });
  });

  it("continues after the upper bound of a pass that read nothing (a committed mark without an _id)", () => {
    const changedAt = new Date("2026-03-20T10:00:00Z");
    expect(changeWindowFilter("updatedAt", { changedAt, id: undefined }, lower, upper)).toEqual({
      $and: [{ updatedAt: { $gt: changedAt } }, { updatedAt: { $lte: upper, $type: "date" } }],
    });
  });
});
