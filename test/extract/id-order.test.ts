import { Binary, BSONSymbol, Code, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp } from "mongodb";
import { afterEach, describe, expect, it } from "vitest";
import { bsonBracket, ferretDbV1TypeAliases, idAfter, limitTypeAliases, typesAfter } from "../../lib/extract/id-order.js";

describe("MongoDB's BSON order of _id types", () => {
  afterEach(() => limitTypeAliases(undefined));

  it("ranks every type _id may hold in the server's bracket order", () => {
    const inOrder = [new MinKey(), null, new Int32(1), new Long(2), new Double(2.5), Decimal128.fromString("3"), 4, new BSONSymbol("a"), "b", { a: 1 }, new Binary(Buffer.from("x")), new ObjectId(), false, new Date(0), new Timestamp({ t: 1, i: 0 }), new Code("x"), new MaxKey()];
    const ranks = inOrder.map(bsonBracket);
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
    // Numbers compare together, as do symbols and strings.
    expect(new Set(ranks.slice(2, 7)).size).toBe(1);
    expect(bsonBracket(new BSONSymbol("a"))).toBe(bsonBracket("b"));
  });

  it("takes every later bracket by type, nothing after MaxKey", () => {
    expect(typesAfter(new ObjectId())).toEqual(["bool", "date", "timestamp", "regex", "dbPointer", "javascript", "javascriptWithScope", "maxKey"]);
    expect(typesAfter(new Int32(1))[0]).toBe("symbol");
    expect(idAfter(new MaxKey())).toEqual({ _id: { $gt: new MaxKey() } });
  });

  it("leaves out the aliases FerretDB v1 rejects (it cannot store those types)", () => {
    limitTypeAliases(ferretDbV1TypeAliases);
    expect(typesAfter(new ObjectId())).toEqual(["bool", "date", "timestamp", "regex"]);
    expect(typesAfter(5)).not.toContain("symbol");
  });
});
