import { BSON, ObjectId } from "mongodb";
import { describe, expect, it } from "vitest";
import { decodeDocument } from "../../lib/extract/decode-document.js";
import { OutOfRangeDate, toRawLine } from "../../lib/transform/bson-values.js";

/** BSON bytes with the int64 of every date set to `ms` (a JS Date cannot make such a value). */
function withDates(doc: object, ms: bigint): Uint8Array {
  const bytes = BSON.serialize(doc);
  const marker = BSON.serialize({ x: new Date(1234567) }).subarray(-9, -1);
  for (let i = bytes.indexOf(marker[0]!); i >= 0 && i < bytes.length - 8; i = bytes.indexOf(marker[0]!, i + 1)) {
    if (Buffer.from(bytes.subarray(i, i + 8)).equals(Buffer.from(marker))) new DataView(bytes.buffer, bytes.byteOffset).setBigInt64(i, ms, true);
  }
  return bytes;
}

describe("decodeDocument", () => {
  it("keeps dates outside the JS range exact, nested in documents and arrays", () => {
    const t = new Date(1234567);
    const bytes = withDates({ _id: new ObjectId(), s: "x", top: t, sub: { when: t, list: [1, t, { deep: t }] }, re: new BSON.BSONRegExp("a", "i") }, 9_000_000_000_000_000_000n);
    const doc = decodeDocument(bytes);
    for (const d of [doc.top, doc.sub.when, doc.sub.list[1], doc.sub.list[2].deep]) {
      expect(d).toBeInstanceOf(OutOfRangeDate);
      expect((d as OutOfRangeDate).milliseconds).toBe(9_000_000_000_000_000_000n);
    }
    expect(toRawLine(doc)).toContain('"top":{"$date":{"$numberLong":"9000000000000000000"}}');
    expect(doc.re).toBeInstanceOf(BSON.BSONRegExp);
    expect(doc.s).toBe("x");
  });

  it("leaves dates a JS Date holds as they are", () => {
    const doc = decodeDocument(BSON.serialize({ at: new Date("2026-03-20T10:00:00Z") }));
    expect(doc.at).not.toBeInstanceOf(OutOfRangeDate);
    expect((doc.at as Date).toISOString()).toBe("2026-03-20T10:00:00.000Z");
  });
});
