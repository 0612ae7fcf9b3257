import { ObjectId } from "mongodb";
import { describe, expect, it } from "vitest";
import { curatedId } from "../../lib/changes/curated-ids.js";
import { personKey } from "../../lib/changes/person-rows.js";
import { exclusionRule } from "../../lib/changes/purge.js";
import { driftTable } from "../../lib/changes/reconcile.js";

describe("person keys", () => {
  const id = new ObjectId("65f0a1b2c3d4e5f601234567");

  it("give one key for an ObjectId and its hex text in either case", () => {
    expect(personKey(id)).toBe("65f0a1b2c3d4e5f601234567");
    expect(personKey("65F0A1B2C3D4E5F601234567")).toBe(personKey(id));
    expect(personKey("65f0a1b2c3d4e5f601234567")).toBe(personKey(id));
  });

  it("keep other ids apart by type", () => {
    expect(personKey("alice")).toBe("s:alice");
    expect(personKey(7)).toBe("n:7");
    expect(personKey("7")).not.toBe(personKey(7));
    expect(personKey(null)).toBeUndefined();
  });
});

describe("exclusion rule of a profile", () => {
  it("names the first of the three rules that matches", () => {
    expect(exclusionRule({ isTester: true, isArchived: true })).toBe("isTester");
    expect(exclusionRule({ isArchived: true })).toBe("isArchived");
    expect(exclusionRule({ first_name: "Dev" })).toBe("first_name");
    expect(exclusionRule({ first_name: "" })).toBe("unknown");
    expect(exclusionRule(undefined)).toBe("profile deleted");
  });
});

describe("curated id of a MongoDB _id", () => {
  it("is the transform's: hex for ObjectIds, the string itself, JSON text otherwise", () => {
    expect(curatedId(new ObjectId("65f0a1b2c3d4e5f601234567"))).toBe("65f0a1b2c3d4e5f601234567");
    expect(curatedId("abc")).toBe("abc");
    expect(curatedId(42)).toBe("42");
  });
});

describe("reconcile table", () => {
  it("prints one aligned line per (collection, day), skipped ones with their reason", () => {
    const text = driftTable({
      runId: "r",
      drift: true,
      days: [
        { collection: "messages", day: "2026-03-20", mongo: 10, curated: 12, missing: 0, extra: 2, duplicates: 0, repaired: true },
        { collection: "tasks", day: "2026-03-20", mongo: 0, curated: 0, missing: 0, extra: 0, duplicates: 0, repaired: false, skipped: "lease held" },
      ],
    });
    const lines = text.split("\n");
    expect(lines[0]).toMatch(/^collection\s+day\s+mongo\s+curated\s+missing\s+extra\s+duplicates\s+repaired$/);
    expect(lines[1]!.split(/\s+/)).toEqual(["messages", "2026-03-20", "10", "12", "0", "2", "0", "yes"]);
    expect(lines[2]).toMatch(/skipped: lease held$/);
    expect(lines[1]!.indexOf("2026")).toBe(lines[0]!.indexOf("day"));
  });
});
