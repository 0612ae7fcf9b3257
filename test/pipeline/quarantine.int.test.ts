import { DuckDBInstance } from "@duckdb/node-api";
import { ObjectId } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getCollection } from "../../lib/collections/index.js";
import { runCollection } from "../../lib/pipeline/run-collection.js";
import { readCurated, readJsonl } from "../fixtures/lake-readers.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";

describe("bad documents", () => {
  let stack: TestStack;
  const user = new ObjectId();
  const mid = new Date("2026-03-20T10:00:00Z");
  const good = { _id: new ObjectId(), userId: user, category: "system", createdAt: mid, studentMessage: "a", aiResponse: "b" };
  const badRating = { _id: new ObjectId(), userId: user, category: "question", createdAt: mid, rating: "five" };
  const noUser = { _id: new ObjectId(), category: "question", createdAt: mid };
  const hugeRating = { _id: new ObjectId(), userId: user, category: "question", createdAt: mid, rating: 1e300 };
  const noTime = { _id: ObjectId.createFromTime(mid.getTime() / 1000), userId: user, category: "question" };
  const stringTime = { _id: ObjectId.createFromTime(mid.getTime() / 1000 + 1), userId: user, category: "question", createdAt: "2026-03-20T10:00:00Z" };

  beforeAll(async () => {
    stack = await createTestStack("quarantine");
    await stack.db.collection("messages").insertMany([good, badRating, noUser, hugeRating, noTime, stringTime]);
  });
  afterAll(async () => {
    await stack.close();
    await closeTestClients();
  });

  it("keeps every placeable document as a curated row, quarantining only the untimed ones", async () => {
    const summary = await runCollection(stack.ctx, getCollection("messages"), { now: new Date("2026-03-20T11:00:00Z") });
    expect(summary.outcome).toBe("success");
    expect(summary.curatedRows).toBe(4);
    expect(summary.rawRows).toBe(4); // the untimed two have no createdAt partition in raw
    expect(summary.quarantined).toBe(2);

    const quarantined = await readJsonl(stack, "quarantine", "messages");
    const reasons = Object.fromEntries(quarantined.map((q) => [(q.doc._id as ObjectId).toHexString(), q.reason]));
    expect(reasons).toEqual({
      [noTime._id.toHexString()]: "createdAt is missing",
      [stringTime._id.toHexString()]: "createdAt is not a Date",
    });
    expect(await stack.lakeFiles("quarantine", "messages")).toEqual([`messages/date=2026-03-20/messages_${summary.runId}_untimed.jsonl`]);
    const warnings = stack.logs.filter((l) => l.level === "warn").map((l) => l.message);
    expect(warnings).toContain(`Skipping doc ${noTime._id.toHexString()}: createdAt is missing`);

    const { rows, types } = await readCurated(stack, "messages");
    expect(rows.map((r) => r.id).sort()).toEqual([good, badRating, noUser, hugeRating].map((d) => d._id.toHexString()).sort());
    expect(types.etl_issues).toBe("VARCHAR");
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(noUser._id.toHexString())).toMatchObject({ user_id: null, category: "question" });
    expect(byId.get(badRating._id.toHexString())).toMatchObject({ rating: null, user_id: user.toHexString() });
    expect(byId.get(good._id.toHexString())!.etl_issues).toBeNull();

    // The original of a mistyped value stays in raw.
    const raw = await readJsonl(stack, "raw", "messages");
    expect(raw.find((d) => (d._id as ObjectId).equals(badRating._id))!.rating).toBe("five");
  });

  it("lists the problems in etl_issues, which DuckDB reads back as (field, expected, found)", async () => {
    const dir = await stack.downloadZone("curated", "messages");
    const conn = await (await DuckDBInstance.create(":memory:")).connect();
    const issues = (
      await conn.runAndReadAll(
        `SELECT id, i.field, i.expected, i.found
         FROM (SELECT id, unnest(from_json(etl_issues, '[{"field":"VARCHAR","expected":"VARCHAR","found":"VARCHAR"}]')) AS i
               FROM read_parquet('${dir}/**/*.parquet'))
         ORDER BY id, i.field`,
      )
    ).getRowObjectsJS();
    conn.closeSync();
    const expected = [
      { id: badRating._id.toHexString(), field: "rating", expected: "integer", found: "string" },
      { id: noUser._id.toHexString(), field: "userId", expected: "a value (required)", found: "missing" },
      { id: hugeRating._id.toHexString(), field: "rating", expected: "integer within int64", found: "Double" }, // read with promoteValues: false
    ].sort((a, b) => a.id.localeCompare(b.id));
    expect(issues).toEqual(expected);
  });

  it("quarantines an untimed document only once across runs", async () => {
    const again = await runCollection(stack.ctx, getCollection("messages"), { now: new Date("2026-03-20T12:00:00Z") });
    expect(again.quarantined).toBe(0);
    expect((await readJsonl(stack, "quarantine", "messages")).length).toBe(2);
  });
});
