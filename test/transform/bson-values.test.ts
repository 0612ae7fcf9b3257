import { BSON, Decimal128, Double, Int32, Long, type Document } from "mongodb";
import { describe, expect, it } from "vitest";
import { getCollection } from "../../lib/collections/index.js";
import type { CollectionSpec } from "../../lib/collections/spec.js";
import { OutOfRangeDate, decimalInteger, hasUnreadableDate, toBigInt, toJsonText, toNumber, toRawLine } from "../../lib/transform/bson-values.js";
import { curate } from "../../lib/transform/curated-row.js";

// FerretDB v1 refuses Decimal128, NaN doubles and nested arrays: these cover them on BSON values.
describe("raw is lossless", () => {
  it("writes a date outside the JS range with its exact milliseconds, and reads it back", () => {
    const ms = 9_000_000_000_000_000_123n;
    const line = toRawLine({ at: new OutOfRangeDate(ms), before: new OutOfRangeDate(-ms) });
    expect(line).toBe(`{"at":{"$date":{"$numberLong":"${ms}"}},"before":{"$date":{"$numberLong":"-${ms}"}}}`);
    expect(hasUnreadableDate(line)).toBe(false);
    expect(() => BSON.EJSON.parse(line, { relaxed: false })).not.toThrow();
    expect(hasUnreadableDate(toRawLine({ at: new Date(Number.NaN) }))).toBe(true);
  });

  it("keeps Decimal128, NaN and infinite doubles, nested arrays and regex options exactly", () => {
    const doc: Document = {
      d: Decimal128.fromString("12345678901234567890.5"),
      nan: new Double(Number.NaN),
      inf: new Double(Number.POSITIVE_INFINITY),
      nested: [[1, [2, new Int32(3)]], []],
      re: new BSON.BSONRegExp("a.b", "is"),
      big: Long.fromString("9007199254740993"),
    };
    const back = BSON.EJSON.parse(toRawLine(doc), { relaxed: false }) as Document;
    expect(back.d.toString()).toBe("12345678901234567890.5");
    expect(Number.isNaN(back.nan.valueOf())).toBe(true);
    expect(back.inf.valueOf()).toBe(Number.POSITIVE_INFINITY);
    expect(BSON.EJSON.stringify(back.nested, { relaxed: false })).toBe(BSON.EJSON.stringify(doc.nested, { relaxed: false }));
    expect([back.re.pattern, back.re.options]).toEqual(["a.b", "is"]);
    expect(back.big.toString()).toBe("9007199254740993");
  });
});

describe("curated never rounds silently", () => {
  it("reads a Decimal128 integer above 2^53 exactly as int64, and refuses it as a double", () => {
    const d = Decimal128.fromString("9007199254740993");
    expect(toBigInt(d)).toBe(9_007_199_254_740_993n);
    expect(toNumber(d)).toBeUndefined();
    expect(decimalInteger(Decimal128.fromString("1.2300E+5"))).toBe(123_000n);
    expect(decimalInteger(Decimal128.fromString("12.5"))).toBeUndefined();
    expect(toNumber(Decimal128.fromString("12.5"))).toBe(12.5);
    expect(toNumber(Long.fromString("9007199254740993"))).toBeUndefined();
    expect(toNumber(Long.fromNumber(42))).toBe(42);
  });

  it("keeps Longs past 2^53 canonical inside JSON columns, and NaN readable", () => {
    const text = toJsonText({ a: Long.fromString("9007199254740993"), b: [Long.fromNumber(5)], c: new Double(Number.NaN), d: new OutOfRangeDate(9_000_000_000_000_000_000n) });
    expect(text).toBe('{"a":{"$numberLong":"9007199254740993"},"b":[5],"c":{"$numberDouble":"NaN"},"d":{"$date":{"$numberLong":"9000000000000000000"}}}');
  });

  it("keeps a double column null with an etl_issues entry when the value would round, never a rounded number", () => {
    const spec: CollectionSpec = {
      name: "t",
      description: "t",
      testerRule: "none",
      columns: [
        { name: "created_at", type: "timestamp", source: "createdAt", description: "" },
        { name: "v", type: "double", source: "v", description: "" },
        { name: "n", type: "int64", source: "n", description: "" },
      ],
    };
    const at = new Date("2026-03-20T10:00:00Z");
    for (const v of [Long.fromString("9007199254740993"), Decimal128.fromString("9007199254740993")]) {
      const result = curate(spec, { createdAt: at, v }, "r");
      if (!("row" in result)) throw new Error("expected a row");
      expect(result.row.v).toBeNull();
      expect(result.issues).toEqual([{ field: "v", expected: "a number a double holds exactly", found: v._bsontype }]);
    }
    const row = curate(spec, { createdAt: at, n: Decimal128.fromString("9007199254740993") }, "r");
    expect("row" in row && row.row.n).toBe(9_007_199_254_740_993n);
  });

  it("turns any failure of one document's transform into a rejection, never a thrown error", () => {
    const spec = getCollection("messages");
    const doc = { _id: "x", userId: "u", category: "question", createdAt: new OutOfRangeDate(1n << 62n) };
    const result = curate(spec, doc, "r");
    expect(result).toEqual({ rejected: "createdAt is Date, expected a Date within the range a timestamp holds" });
    const throwing: CollectionSpec = { ...spec, derivation: { columns: [], derive: () => { throw new Error("scorer bug"); } } };
    expect(curate(throwing, { ...doc, createdAt: new Date("2026-03-20T10:00:00Z") }, "r")).toEqual({ rejected: "cannot be read: Error while transforming (the document is in this line)" });
  });
});
