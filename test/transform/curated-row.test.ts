import { Binary, BSON, Decimal128, Double, Int32, Long, ObjectId } from "mongodb";
import { describe, expect, it } from "vitest";
import { defineCollection } from "../../lib/collections/spec.js";
import { toRawLine } from "../../lib/transform/bson-values.js";
import { curate, toCuratedRow, TransformError } from "../../lib/transform/curated-row.js";

const spec = defineCollection({
  name: "things",
  description: "test",
  testerRule: "none",
  columns: [
    { name: "id", type: "id", source: "_id", required: true, description: "" },
    { name: "created_at", type: "timestamp", source: "createdAt", required: true, description: "" },
    { name: "user_id", type: "id", source: "userId", description: "" },
    { name: "kind", type: "string", source: "kind", required: true, description: "" },
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
      { _id: id, createdAt, userId: id.toHexString(), kind: "k", count: new Long(7), score: new Double(2), ok: true, meta: { a: [1, new Int32(2)] }, surprise: "x" },
      "20260321_000001",
    );
    expect(row).toEqual({
      id: "65f0000000000000000000aa",
      created_at: createdAt,
      user_id: "65f0000000000000000000aa",
      kind: "k",
      count: 7n,
      score: 2,
      ok: true,
      meta: '{"a":[1,2]}',
      extra_json: '{"surprise":"x"}',
      etl_issues: null,
      etl_run_id: "20260321_000001",
    });
  });

  it("keeps unknown fields in extra_json in document order, an own __proto__ field as a field", () => {
    // bson decodes a "__proto__" key as an own field; extra_json must keep it, not re-parent the object.
    const bytes = BSON.serialize({ _id: id, createdAt, kind: "a", zeta: 1, alpha: "two" });
    const doc = { ...BSON.deserialize(bytes), nested: { deep: true } };
    Object.defineProperty(doc, "__proto__", { value: { polluted: 1 }, enumerable: true, writable: true, configurable: true });
    const { row } = toCuratedRow(spec, doc, "run1");
    expect(row.extra_json).toBe('{"zeta":1,"alpha":"two","nested":{"deep":true},"__proto__":{"polluted":1}}');
    expect(Object.getPrototypeOf(JSON.parse(row.extra_json as string))).toBe(Object.prototype);
    // The same spec twice: fields a column reads are never extra, whatever came before.
    expect(toCuratedRow(spec, { _id: id, createdAt, kind: "b" }, "run2").row.extra_json).toBeNull();
  });

  it("leaves absent optional fields null, with no issue", () => {
    const { row, issues } = toCuratedRow(spec, { _id: id, createdAt, kind: "k" }, "r");
    expect(row.user_id).toBeNull();
    expect(row.extra_json).toBeNull();
    expect(row.etl_issues).toBeNull();
    expect(issues).toEqual([]);
  });

  it.each([
    [{ kind: "k", count: 1.5 }, "count", { field: "count", expected: "integer", found: "number" }],
    [{ kind: "k", count: "five" }, "count", { field: "count", expected: "integer", found: "string" }],
    [{ kind: "k", count: 1e300 }, "count", { field: "count", expected: "integer within int64", found: "number" }],
    [{ kind: "k", ok: "yes" }, "ok", { field: "ok", expected: "boolean", found: "string" }],
    [{ kind: "k", score: [1] }, "score", { field: "score", expected: "number", found: "array" }],
    [{ kind: "k", userId: 42 }, "user_id", { field: "userId", expected: "ObjectId or non-empty string", found: "number" }],
    [{ kind: "k", userId: "" }, "user_id", { field: "userId", expected: "ObjectId or non-empty string", found: "string" }],
    [{}, "kind", { field: "kind", expected: "a value (required)", found: "missing" }],
    [{ kind: null }, "kind", { field: "kind", expected: "a value (required)", found: "null" }],
    [{ kind: new Int32(3) }, "kind", { field: "kind", expected: "string", found: "Int32" }],
  ])("keeps the row when %o: the column is null and etl_issues names the problem", (fields, column, issue) => {
    const doc = { _id: id, createdAt, ...fields };
    const { row, issues } = toCuratedRow(spec, doc, "r");
    expect(row.id).toBe(id.toHexString());
    expect(row[column]).toBeNull();
    expect(issues).toEqual([issue]);
    expect(JSON.parse(String(row.etl_issues))).toEqual([issue]);
    expect(row.extra_json).toBeNull(); // the mistyped value has a column: raw keeps it, not extra_json
  });

  it("lists every problem of a row, in column order, and never the values themselves", () => {
    const { row } = toCuratedRow(spec, { _id: id, createdAt, count: "my secret essay", ok: 1 }, "r");
    expect(JSON.parse(String(row.etl_issues))).toEqual([
      { field: "kind", expected: "a value (required)", found: "missing" },
      { field: "count", expected: "integer", found: "string" },
      { field: "ok", expected: "boolean", found: "number" },
    ]);
    expect(String(row.etl_issues)).not.toContain("essay");
  });

  it("keeps a row whose _id is neither ObjectId nor string, identified by the _id's JSON text", () => {
    const { row, issues } = toCuratedRow(spec, { _id: new Int32(7), createdAt, kind: "k" }, "r");
    expect(row.id).toBe("7");
    expect(issues).toEqual([{ field: "_id", expected: "ObjectId or non-empty string", found: "Int32" }]);
  });

  it.each([
    [{ _id: id }, "createdAt is missing"],
    [{ createdAt }, "_id is missing"],
    [{ _id: id, createdAt: "2026-03-21" }, "createdAt is string, expected Date"],
    [{ _id: id, createdAt: new Date(Number.NaN) }, "createdAt is invalid Date, expected a valid Date"],
  ])("rejects %o, which cannot be placed, with a reason", (doc, reason) => {
    expect(() => toCuratedRow(spec, { kind: "k", ...doc }, "r")).toThrow(new TransformError(reason));
    expect(curate(spec, { kind: "k", ...doc }, "r")).toEqual({ rejected: reason });
  });
});

describe("curate", () => {
  it("quarantines a document whose transform throws, naming only the error type, instead of failing the run", () => {
    const exploding = defineCollection({
      ...spec,
      derivation: {
        columns: [{ name: "score2", type: "double", description: "" }],
        derive: () => {
          throw new RangeError("student text: my secret essay");
        },
      },
    });
    const curation = curate(exploding, { _id: id, createdAt, kind: "k" }, "r");
    expect(curation).toEqual({ rejected: "cannot be read: RangeError while transforming (the document is in this line)" });
    expect(JSON.stringify(curation)).not.toContain("essay");
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
