import { ObjectId } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getCollection } from "../../lib/collections/index.js";
import type { ZoneSummary } from "../../lib/ops/index.js";
import { runEtl } from "../../lib/pipeline/run-etl.js";
import { runCliWith } from "../cli/run-cli.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";

describe("etl summary", () => {
  let stack: TestStack;
  const user = new ObjectId();
  const at = (iso: string) => ({ _id: new ObjectId(), userId: user, category: "system", createdAt: new Date(iso) });

  beforeAll(async () => {
    stack = await createTestStack("summary");
    // Day 19: one file; day 20: two hourly files (not yet compacted); one untimed document.
    await stack.db.collection("messages").insertMany([at("2026-11-19T08:00:00Z"), at("2026-11-19T09:00:00Z"), at("2026-11-20T08:00:00Z")]);
    await stack.db.collection("messages").insertOne({ _id: ObjectId.createFromTime(Date.parse("2026-11-20T08:30:00Z") / 1000), userId: user, category: "system" });
    await runEtl(stack.ctx, { collections: [getCollection("messages")], now: new Date("2026-11-20T09:00:00Z") });
    await stack.db.collection("messages").insertMany([at("2026-11-20T09:30:00Z"), at("2026-11-20T09:40:00Z")]);
    await runEtl(stack.ctx, { collections: [getCollection("messages")], now: new Date("2026-11-20T10:00:00Z") });
  });
  afterAll(async () => {
    await stack.close();
    await closeTestClients();
  });

  it("counts days, files, bytes, rows and small files per zone, matching the listing", async () => {
    const { code, out } = await runCliWith(stack.env, ["summary", "--collection", "messages", "--json"]);
    expect(code).toBe(0);
    const zones = JSON.parse(out) as ZoneSummary[];
    expect(zones.map((z) => z.zone)).toEqual(["raw", "curated", "quarantine"]);
    for (const z of zones) {
      let bytes = 0;
      const names: string[] = [];
      for await (const b of stack.ctx.storage.lake.getContainerClient(stack.config.containers[z.zone]).listBlobsFlat({ prefix: "messages/" })) {
        names.push(b.name);
        bytes += b.properties.contentLength!;
      }
      expect([z.files, z.bytes], z.zone).toEqual([names.length, bytes]);
    }
    const [raw, curated, quarantine] = zones;
    expect(curated).toMatchObject({ days: 2, files: 3, rows: 5, smallFiles: 2, uncompactedDays: 1, oldest: "2026-11-19", newest: "2026-11-20" });
    expect(curated!.perDay.map((d) => [d.day, d.files, d.smallFiles])).toEqual([["2026-11-19", 1, 0], ["2026-11-20", 2, 2]]);
    expect(raw).toMatchObject({ days: 2, files: 3, rows: null });
    expect(quarantine).toMatchObject({ days: 1, files: 1, rows: 1, smallFiles: 0 });
  });

  it("prints a table", async () => {
    const { out } = await runCliWith(stack.env, ["summary", "--collection", "messages"]);
    expect(out).toMatch(/^COLLECTION +ZONE +DAYS +FILES +BYTES +ROWS +SMALL FILES +DAYS >1 FILE +OLDEST +NEWEST$/m);
    expect(out).toMatch(/^messages +curated +2 +3 +[\d.]+ KiB +5 +2 +1 +2026-11-19 +2026-11-20$/m);
  });
});
