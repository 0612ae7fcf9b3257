import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { DuckDBInstance } from "@duckdb/node-api";
import { BSON, ObjectId, type Document } from "mongodb";
import { loadTesterExclusion } from "../../lib/extract/testers.js";
import type { LakeZone } from "../../lib/load/lake-paths.js";
import { WatermarkStore } from "../../lib/state/watermarks.js";
import { toJsonText } from "../../lib/transform/bson-values.js";
import type { World } from "./world.js";

/** One key per _id, type included (so "5" and 5 never meet). */
export const idKey = (id: unknown) => BSON.EJSON.stringify({ id }, { relaxed: false });
/** How the curated `id` column writes an _id (ObjectId as hex, strings as they are, any other type as its JSON text). */
const curatedKey = (id: unknown) => (id instanceof ObjectId ? id.toHexString() : typeof id === "string" ? id : toJsonText(id));

async function jsonlLines(world: World, zone: Exclude<LakeZone, "curated">, collection: string): Promise<{ file: string; doc: Document }[]> {
  const container = world.ctx.storage.lake.getContainerClient(world.config.containers[zone]);
  const out: { file: string; doc: Document }[] = [];
  for await (const blob of container.listBlobsFlat({ prefix: `${collection}/` })) {
    const body = (await container.getBlobClient(blob.name).download()).readableStreamBody!;
    for await (const line of createInterface({ input: body, crlfDelay: Infinity })) {
      if (line) out.push({ file: blob.name, doc: BSON.EJSON.parse(line, { relaxed: false }) as Document });
    }
  }
  return out;
}

/** Curated ids read back by DuckDB, an independent Parquet reader, file by file. */
async function curatedIds(world: World, collection: string): Promise<{ file: string; id: string }[]> {
  const container = world.ctx.storage.lake.getContainerClient(world.config.containers.curated);
  const instance = await DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  const out: { file: string; id: string }[] = [];
  const dir = mkdtempSync(join(tmpdir(), "sim-"));
  try {
    for await (const blob of container.listBlobsFlat({ prefix: `${collection}/` })) {
      const bytes = await container.getBlobClient(blob.name).downloadToBuffer();
      const file = join(dir, `${out.length}.parquet`);
      writeFileSync(file, bytes);
      const rows = (await conn.runAndReadAll(`SELECT id FROM read_parquet('${file}')`)).getRowObjectsJS() as { id: string }[];
      for (const r of rows) out.push({ file: blob.name, id: String(r.id) });
    }
  } finally {
    conn.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

/**
 * Every non-tester document of the collection exactly once: a placed one (createdAt a Date) once
 * in raw and once in curated or quarantine; an untimed one once in quarantine and not in raw;
 * nothing else anywhere (no tester, no unknown id, no second copy: no partition doubled), and no
 * window left pending. A document in `late` (inserted behind the watermark) may also be absent
 * everywhere, never partly there or twice.
 */
export async function checkExactlyOnce(world: World, collection: string, late: ReadonlySet<string> = new Set()): Promise<string[]> {
  const violations: string[] = [];
  const exclusion = await loadTesterExclusion(world.db);
  const testerIds = new Set(exclusion.idVariants.map((v) => (v instanceof ObjectId ? `oid:${v.toHexString()}` : `s:${String(v)}`)));
  const isTester = (doc: Document) => testerIds.has(doc.userId instanceof ObjectId ? `oid:${doc.userId.toHexString()}` : `s:${String(doc.userId)}`);
  const all = await world.db.collection(collection).find({}, { promoteValues: false, bsonRegExp: true }).toArray();
  const expected = all.filter((d) => !isTester(d));
  const testers = new Set(all.filter(isTester).map((d) => idKey(d._id)));

  const raw = await jsonlLines(world, "raw", collection);
  const quarantine = await jsonlLines(world, "quarantine", collection);
  const curated = await curatedIds(world, collection);
  const count = (keys: string[]) => keys.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<string, number>());
  const rawCount = count(raw.map((l) => idKey(l.doc._id)));
  const quarantineCount = count(quarantine.map((l) => idKey(l.doc.doc?._id)));
  const curatedCount = count(curated.map((r) => r.id));
  const where = (key: string) => [...raw.filter((l) => idKey(l.doc._id) === key).map((l) => `raw/${l.file}`), ...quarantine.filter((l) => idKey(l.doc.doc?._id) === key).map((l) => `quarantine/${l.file}`)].join(", ");

  const known = new Set<string>();
  for (const doc of expected) {
    const key = idKey(doc._id);
    known.add(key);
    const placed = doc.createdAt instanceof Date;
    const inRaw = rawCount.get(key) ?? 0;
    const inCurated = curatedCount.get(curatedKey(doc._id)) ?? 0;
    const inQuarantine = quarantineCount.get(key) ?? 0;
    const label = `${collection} ${key}${placed ? ` (createdAt ${(doc.createdAt as Date).toISOString()})` : " (untimed)"}`;
    if (late.has(key) && inRaw + inCurated + inQuarantine === 0) continue;
    if (placed && inRaw !== 1) violations.push(`${label}: ${inRaw}× in raw, expected once [${where(key)}]`);
    if (!placed && inRaw !== 0) violations.push(`${label}: untimed but ${inRaw}× in raw`);
    if (inCurated + inQuarantine !== 1) violations.push(`${label}: ${inCurated}× curated + ${inQuarantine}× quarantine, expected once [${where(key)}]`);
  }
  for (const key of rawCount.keys()) {
    if (testers.has(key)) violations.push(`${collection} ${key}: a tester's document is in raw`);
    else if (!known.has(key)) violations.push(`${collection} ${key}: in raw but not in MongoDB`);
  }
  for (const key of quarantineCount.keys()) if (!known.has(key)) violations.push(`${collection} ${key}: in quarantine but not a live non-tester document`);
  const curatedKnown = new Set(expected.map((d) => curatedKey(d._id)));
  for (const id of curatedCount.keys()) if (!curatedKnown.has(id)) violations.push(`${collection} ${id}: in curated but not a live non-tester document`);

  const wm = await new WatermarkStore(world.ctx.storage.table(world.config.tables.watermarks)).read(collection);
  if (wm.pending) violations.push(`${collection}: window ${wm.pending.runId} still pending after settling`);
  return violations;
}
