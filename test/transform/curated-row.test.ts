import { Binary, BSON, Decimal128, Double, Int32, Long, ObjectId } from "mongodb";
import { describe, expect, it } from "vitest";
import { defineCollection } from "../../lib/collections/spec.js";
import { toRawLine } from "../../lib/transform/bson-values.js";
import { toCuratedRow, TransformError } from "../../lib/transform/curated-row.js";

const spec = defineCollection({
  name: "things",
  description: "test",
  testerRule: "none",
  columns: [
    { name: "id", type: "id", source: "_id", required: true, description: "" },
    { name: "created_at", type: "timestamp", source: "createdAt", required: true, description: "" },
    { name: "user_id", type: "id", source: "userId", description: "" },
    { name: "count", type: "int64", source: "count", description: "" },
    { name: "score", type: "double", source: "score", description: "" },
    { name: "ok", type: "boolean", source: "ok", description: "" },
    { name: "meta", type: "json", source: "meta", description: "" },
  ],
});

const id = new ObjectId("65f0000000000000000000aa");
const createdAt = new Date("2026-03-21T00:00:01.123Z");

describe("toCuratedRow", () => {
  it("types every column and keeps unknown fields in extra_json", () => {
    const { row } = toCuratedRow(
      spec,
      { _id: id, createdAt, userId: id.toHexString(), count: new Long(7), score: new Double(2), ok: true, meta: { a: [1, new Int32(2)] }, surprise: "x" },
      "20260321_000001",
    );
    expect(row).toEqual({
      id: "65f0000000000000000000aa",
      created_at: createdAt,
      user_id: "65f0000000000000000000aa",
      count: 7n,
      score: 2,
      ok: true,
      meta: '{"a":[1,2]}',
      extra_json: '{"surprise":"x"}',
      etl_run_id: "20260321_000001",
    });
  });

  it("leaves absent optional fields null", () => {
    const { row } = toCuratedRow(spec, { _id: id, createdAt }, "r");
    expect(row.user_id).toBeNull();
    expect(row.extra_json).toBeNull();
  });

  it.each([
    [{ _id: id }, "createdAt is missing"],
    [{ _id: id, createdAt: "2026-03-21" }, "createdAt is string, expected Date"],
    [{ _id: id, createdAt, count: 1.5 }, "count is number, expected integer"],
    [{ _id: id, createdAt, count: "five" }, "count is string, expected integer"],
    [{ _id: id, createdAt, ok: "yes" }, "ok is string, expected boolean"],
    [{ _id: id, createdAt, score: [1] }, "score is array, expected number"],
    [{ _id: id, createdAt: new Date(Number.NaN) }, "createdAt is Date, expected a valid Date"],
  ])("rejects %o with a reason", (doc, reason) => {
    expect(() => toCuratedRow(spec, doc, "r")).toThrow(new TransformError(reason));
  });
});

describe("toRawLine", () => {
  it("is lossless for ObjectId, Date, Decimal128, Long, Int32, Double and Binary", () => {
    const doc = {
      _id: id,
      createdAt,
      price: Decimal128.fromString("12.50"),
      big: Long.fromString("9007199254740993"),
      small: new Int32(3),
      ratio: new Double(1),
      blob: new Binary(Buffer.from([0, 1, 2, 255])),
    };
    const line = toRawLine(doc);
    expect(line).not.toContain("\n");
    const back = BSON.EJSON.parse(line, { relaxed: false });
    expect(BSON.serialize(back)).toEqual(BSON.serialize(doc));
    expect(line).toContain('"$numberLong":"9007199254740993"');
    expect(line).toContain('"$numberDouble":"1.0"');
  });
});
