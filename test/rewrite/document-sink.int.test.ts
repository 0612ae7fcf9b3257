import { BSON, ObjectId, type Document } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lakeTarget } from "../../lib/changes/purge.js";
import { getCollection } from "../../lib/collections/index.js";
import { decodeDocument } from "../../lib/extract/decode-document.js";
import { DocumentSink, exactDocument, fillSink } from "../../lib/rewrite/index.js";
import { OutOfRangeDate } from "../../lib/transform/bson-values.js";
import { readCurated, readJsonl } from "../fixtures/lake-readers.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";

const DAY = "2026-03-20";
const createdAt = new Date(`${DAY}T10:00:00Z`);
const hex = (id: unknown) => (id instanceof ObjectId ? id.toHexString() : String(id));
const message = (extra: Document = {}): Document => ({ _id: new ObjectId(), userId: new ObjectId(), category: "system", createdAt, updatedAt: createdAt, studentMessage: "q", aiResponse: "a", ...extra });

/** BSON bytes of `doc` with the int64 of every date equal to `marker` set to `ms` (a JS Date cannot hold it). */
function withDate(doc: Document, marker: Date, ms: bigint): Uint8Array {
  const bytes = BSON.serialize(doc);
  const needle = Buffer.from(BSON.serialize({ x: marker }).subarray(-9, -1));
  const at = Buffer.from(bytes).indexOf(needle);
  new DataView(bytes.buffer, bytes.byteOffset).setBigInt64(at, ms, true);
  return bytes;
}

describe("the document sink: one bad document never stops a partition, nothing is lost", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack("sink");
  });
  afterAll(async () => {
    await stack.close();
    await closeTestClients();
  });

  it("quarantines a document Extended JSON cannot write, with the reason, and writes the others", async () => {
    const spec = getCollection("messages");
    const good = [message(), message()];
    const bad = message();
    bad.self = bad; // a value no serialiser can write
    const { counts } = await fillSink(new DocumentSink(lakeTarget(stack.ctx), spec, DAY, "sinktest_a", stack.ctx.log), async (sink) => {
      expect(await sink.write(good[0]!)).toBe(good[0]);
      expect(await sink.write(bad)).toBeUndefined();
      expect(await sink.write(good[1]!)).toBe(good[1]);
    });
    expect(counts).toMatchObject({ documents: 3, rawRows: 2, curatedRows: 2, quarantined: 1 });
    expect((await readJsonl(stack, "raw", "messages")).map((d) => hex(d._id)).sort()).toEqual(good.map((d) => hex(d._id)).sort());
    expect((await readCurated(stack, "messages")).rows.map((r) => r.id).sort()).toEqual(good.map((d) => hex(d._id)).sort());
    const quarantine = await readJsonl(stack, "quarantine", "messages");
    expect(quarantine).toHaveLength(1);
    expect(hex(quarantine[0]!.doc._id)).toBe(hex(bad._id));
    expect(quarantine[0]!.reason).toMatch(/^cannot be written as Extended JSON: /);
  });

  it("re-reads a document whose date the driver lost and writes it exactly, as the hourly path does", async () => {
    const spec = getCollection("messages");
    const marker = new Date(1_234_567);
    const original = message({ respondedAt: marker });
    const exact = decodeDocument(withDate(original, marker, 9_000_000_000_000_000_000n));
    expect(exact.respondedAt).toBeInstanceOf(OutOfRangeDate);
    const asDriverGives = { ...original, respondedAt: new Date(Number.NaN) };
    const reread: Document[] = [];
    const { counts } = await fillSink(
      new DocumentSink(lakeTarget(stack.ctx), spec, DAY, "sinktest_b", stack.ctx.log, {
        reread: async (doc) => {
          reread.push(doc);
          return exact;
        },
      }),
      async (sink) => {
        expect(await sink.write(asDriverGives)).toBe(exact);
        await sink.write(message()); // a plain document is not read again
      },
    );
    expect(reread.map((d) => hex(d._id))).toEqual([hex(original._id)]);
    expect(counts).toMatchObject({ documents: 2, rawRows: 2, curatedRows: 2, quarantined: 0 });
    const blob = lakeTarget(stack.ctx).lake.getContainerClient(stack.config.containers.raw).getBlobClient(`messages/date=${DAY}/messages_sinktest_b.jsonl`);
    const text = (await blob.downloadToBuffer()).toString("utf8");
    expect(text).toContain('"respondedAt":{"$date":{"$numberLong":"9000000000000000000"}}');
    expect(text).not.toContain('"$numberLong":"NaN"');
    const row = (await readCurated(stack, "messages")).rows.find((r) => r.id === hex(original._id))!;
    expect(String(row.etl_issues)).toContain("respondedAt");
  });

  it("MongoDB's re-read returns the stored document, decoded from its bytes", async () => {
    const doc = message({ n: 3 });
    const col = stack.db.collection("sinkreread");
    await col.insertOne(doc);
    const back = await exactDocument(col)(doc);
    expect(hex(back!._id)).toBe(hex(doc._id));
    expect(back!.createdAt).toEqual(createdAt);
    expect(await exactDocument(col)({ _id: new ObjectId() })).toBeUndefined();
  });
});
