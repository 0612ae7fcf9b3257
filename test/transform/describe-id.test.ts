import { createHash } from "node:crypto";
import { BSON, Decimal128, Double, Int32, Long, ObjectId } from "mongodb";
import { describe, expect, it } from "vitest";
import { describeId } from "../../lib/transform/bson-values.js";

describe("describeId (an _id for logs)", () => {
  it("shows ObjectIds and numbers, which say nothing about a person", () => {
    const id = new ObjectId();
    expect(describeId(id)).toBe(id.toHexString());
    expect(describeId(42)).toBe("42");
    expect(describeId(new Int32(7))).toBe("7");
    expect(describeId(new Double(2.5))).toBe("2.5");
    expect(describeId(Long.fromString("9007199254740993"))).toBe("9007199254740993");
  });

  it("shows any other _id as its type and a hash, never its text", () => {
    const email = "jane.doe@student.example.edu";
    const out = describeId(email);
    expect(out).toMatch(/^<string [0-9a-f]{12}>$/);
    expect(out).not.toContain("jane");
    const nested = describeId({ email, n: 1 });
    expect(nested).toMatch(/^<object [0-9a-f]{12}>$/);
    expect(nested).not.toContain("jane");
    expect(describeId(null)).toMatch(/^<null [0-9a-f]{12}>$/);
    expect(describeId([email])).toMatch(/^<array [0-9a-f]{12}>$/);
  });

  it("hashes BSON values FerretDB refuses (Decimal128, NaN, nested arrays) the same way", () => {
    expect(describeId(Decimal128.fromString("1.10"))).toMatch(/^<Decimal128 [0-9a-f]{12}>$/);
    expect(describeId(new Double(Number.NaN))).toBe("NaN");
    expect(describeId([[1, 2], [3]])).toMatch(/^<array [0-9a-f]{12}>$/);
  });

  it("is the SHA-256 of the canonical Extended JSON of { _id }: an operator can match a quarantine line", () => {
    const id = "s-123";
    const expected = createHash("sha256").update(BSON.EJSON.stringify({ _id: id }, { relaxed: false })).digest("hex").slice(0, 12);
    expect(describeId(id)).toBe(`<string ${expected}>`);
    expect(describeId("s-124")).not.toBe(describeId(id));
  });
});
