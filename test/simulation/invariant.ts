import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { DuckDBInstance } from "@duckdb/node-api";
import { BSON, ObjectId, type Document } from "mongodb";
import { personKey } from "../../lib/changes/person-rows.js";
import { purgeKey } from "../../lib/changes/purge.js";
import { loadTesterExclusion } from "../../lib/extract/testers.js";
import { utcDay, type LakeZone } from "../../lib/load/lake-paths.js";
import { TOMBSTONE_FIELD } from "../../lib/rewrite/raw-history.js";
import { ChangeMarkStore } from "../../lib/state/change-marks.js";
import { WatermarkStore } from "../../lib/state/watermarks.js";
import { toJsonText } from "../../lib/transform/bson-values.js";
import type { World } from "./world.js";

/** One key per _id, type included (so "5" and 5 never meet). */
export const idKey = (id: unknown) => BSON.EJSON.stringify({ id }, { relaxed: false });
/** How the curated `id` column writes an _id (ObjectId as hex, strings as they are, any other type as its JSON text). */
const curatedKey = (id: unknown) => (id instanceof ObjectId ? id.toHexString() : typeof id === "string" ? id : toJsonText(id));
/** A version of a document: its change time (updatedAt) in ms, -Infinity without one (unchanged since creation). */
export const versionOf = (doc: Document | undefined) => (doc?.updatedAt instanceof Date ? doc.updatedAt.getTime() : Number.NEGATIVE_INFINITY);
const showVersion = (v: number) => (Number.isFinite(v) ? new Date(v).toISOString() : "none");
const dayOfFile = (file: string) => /date=(\d{4}-\d{2}-\d{2})\//.exec(file)?.[1] ?? "?";

interface Line {
  file: string;
  doc: Document;
}

async function jsonlLines(world: World, zone: Exclude<LakeZone, "curated">, collection: string): Promise<Line[]> {
  const container = world.ctx.storage.lake.getContainerClient(world.config.containers[zone]);
  const out: Line[] = [];
  for await (const blob of container.listBlobsFlat({ prefix: `${collection}/` })) {
    const body = (await container.getBlobClient(blob.name).download()).readableStreamBody!;
    for await (const line of createInterface({ input: body, crlfDelay: Infinity })) {
      if (line) out.push({ file: blob.name, doc: BSON.EJSON.parse(line, { relaxed: false }) as Document });
    }
  }
  return out;
}

interface CuratedRow {
  file: string;
  id: string;
  userId: string | null;
  version: number;
}

/** Curated rows read back by DuckDB, an independent Parquet reader, file by file (updatedAt sits in extra_json). */
async function curatedRows(world: World, collection: string): Promise<CuratedRow[]> {
  const container = world.ctx.storage.lake.getContainerClient(world.config.containers.curated);
  const instance = await DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  const out: CuratedRow[] = [];
  const dir = mkdtempSync(join(tmpdir(), "sim-"));
  try {
    for await (const blob of container.listBlobsFlat({ prefix: `${collection}/` })) {
      const bytes = await container.getBlobClient(blob.name).downloadToBuffer();
      const file = join(dir, `${out.length}-${Math.random().toString(36).slice(2)}.parquet`);
      writeFileSync(file, bytes);
      const rows = (await conn.runAndReadAll(`SELECT id, user_id, extra_json FROM read_parquet('${file}')`)).getRowObjectsJS() as { id: string; user_id: string | null; extra_json: string | null }[];
      for (const r of rows) {
        const extra = r.extra_json ? (BSON.EJSON.parse(r.extra_json, { relaxed: false }) as Document) : undefined;
        out.push({ file: blob.name, id: String(r.id), userId: r.user_id === null ? null : String(r.user_id), version: versionOf(extra) });
      }
    }
  } finally {
    conn.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

/** What the simulation knows happened upstream, for the invariant to hold the lake to. */
export interface Upstream {
  /** Keys of documents inserted behind the committed watermark: absent until a backfill or reconcile sees them, never partial. */
  late: ReadonlySet<string>;
  /** Keys of documents deleted from MongoDB. */
  deleted: ReadonlySet<string>;
  /** Every version (./versionOf) each document ever had in MongoDB. */
  versions: ReadonlyMap<string, ReadonlySet<number>>;
  /** `${key} ${version}` of every raw version observed at a quiet point (./observeRaw) → the person and where. */
  seen: ReadonlyMap<string, { person: string | undefined; where: string }>;
  /** Person keys of erasure requests (any status: settling finishes them). */
  erased: ReadonlySet<string>;
}

/**
 * `hourly`: after the settling hourly runs, before the final reconcile (which would repair, and so
 * hide, what the hourly path lost or doubled): deleted documents may still be in curated, once.
 * `final`: after the reconcile: deletes applied too.
 */
export type Phase = "hourly" | "final";

/**
 * The exactly-once invariant of the lake, after settling (./run-schedule.ts `settle`: leases
 * expired; hourly runs at a clock one hour past every createdAt, updatedAt and event clock, so every
 * version is older than the settle delay, repeated until the insert window and the change pass ran
 * fresh (not a replay) and caught up; unfinished erasures run again; then, for `final`, one
 * reconcile of every day). Excluded people are the profiles matching a tester rule now plus the
 * students of erasure requests. For the collection:
 * - curated: every live document of a non-excluded person whose createdAt is a date, with its newest
 *   version: exactly once, in the partition of its current createdAt day (never in two), unless that
 *   version failed the transform (then quarantined instead: curated + quarantine of the newest
 *   version = 1); nothing else (no deleted one in `final`, no excluded person's, no unknown id);
 * - raw: each (_id, updatedAt) at most once, only versions MongoDB held, each in the partition of its
 *   own createdAt day; per (document, partition) the newest line is the current version on the
 *   document's current day and a tombstone on any other (moved away; in `final` also deleted,
 *   unless that version was quarantined: reconcile compares curated only); every version observed
 *   in raw at a quiet point is still there (raw is history: rebuilds must not drop versions);
 * - untimed documents (createdAt not a date): once in quarantine, never in raw or curated;
 * - quarantine: each (_id, updatedAt) at most once, only documents MongoDB held;
 * - no raw, curated or quarantine row (tombstones carry no person) of an excluded person;
 * - audit: one purge row, done, per excluded profile and collection; every erasure request done;
 * - no insert window and no change pass left pending.
 * A document in `late` may instead be absent everywhere.
 */
export async function checkLake(world: World, collection: string, upstream: Upstream, phase: Phase): Promise<string[]> {
  const v: string[] = [];
  const exclusion = await loadTesterExclusion(world.db);
  const excluded = new Set([...exclusion.profileIds.map(personKey).filter((p): p is string => p !== undefined), ...upstream.erased]);
  const isExcluded = (person: unknown) => {
    const key = personKey(person);
    return key !== undefined && excluded.has(key);
  };
  const all = await world.db.collection(collection).find({}, { promoteValues: false, bsonRegExp: true }).toArray();
  const live = new Map(all.map((d) => [idKey(d._id), d]));
  const expected = new Map([...live].filter(([, d]) => !isExcluded(d.userId)));
  const byCurated = new Map([...expected.values()].map((d) => [curatedKey(d._id), d]));

  const raw = await jsonlLines(world, "raw", collection);
  const quarantine = await jsonlLines(world, "quarantine", collection);
  const curated = await curatedRows(world, collection);

  // Raw, line by line.
  const rawVersions = new Map<string, string[]>();
  const tombstones = new Map<string, number>();
  const newest = new Map<string, { version: number; tombstone: boolean; line: Line }>(); // `${key} ${day}`
  for (const line of raw) {
    const key = idKey(line.doc._id);
    const day = dayOfFile(line.file);
    const tomb = line.doc[TOMBSTONE_FIELD] as Document | undefined;
    const version = tomb ? (tomb.version as Date).getTime() : versionOf(line.doc);
    if (tomb) {
      const t = `${key} ${day} ${String(tomb.reason)} ${version}`;
      tombstones.set(t, (tombstones.get(t) ?? 0) + 1);
      if (tombstones.get(t) === 2) v.push(`${collection} ${key}: tombstone (${String(tomb.reason)}, ${showVersion(version)}) twice in raw ${day}`);
    } else {
      const vk = `${key} ${version}`;
      rawVersions.set(vk, [...(rawVersions.get(vk) ?? []), line.file]);
      if (rawVersions.get(vk)!.length === 2) v.push(`${collection} ${key}: version ${showVersion(version)} twice in raw [${rawVersions.get(vk)!.join(", ")}]`);
      if (isExcluded(line.doc.userId)) v.push(`${collection} ${key}: an excluded person's document is in raw ${line.file}`);
      const history = upstream.versions.get(key);
      if (!history) v.push(`${collection} ${key}: in raw ${line.file} but never in MongoDB`);
      else if (!history.has(version)) v.push(`${collection} ${key}: raw holds version ${showVersion(version)}, which MongoDB never held`);
      if (!(line.doc.createdAt instanceof Date)) v.push(`${collection} ${key}: untimed, but in raw ${line.file}`);
      else if (utcDay(line.doc.createdAt) !== day) v.push(`${collection} ${key}: version ${showVersion(version)} (createdAt ${utcDay(line.doc.createdAt)}) in raw partition ${day}`);
    }
    const at = `${key} ${day}`;
    const current = newest.get(at);
    if (!current || version > current.version || (version === current.version && tomb && !current.tombstone)) newest.set(at, { version, tombstone: !!tomb, line });
  }

  // Quarantine.
  const quarantined = new Map<string, number>(); // key → lines
  const quarantinedVersions = new Set<string>();
  for (const line of quarantine) {
    const doc = (line.doc.doc ?? {}) as Document;
    const key = idKey(doc._id);
    const vk = `${key} ${versionOf(doc)}`;
    quarantined.set(key, (quarantined.get(key) ?? 0) + 1);
    if (quarantinedVersions.has(vk)) v.push(`${collection} ${key}: version ${showVersion(versionOf(doc))} twice in quarantine`);
    quarantinedVersions.add(vk);
    if (!upstream.versions.has(key)) v.push(`${collection} ${key}: in quarantine ${line.file} but never in MongoDB`);
    if (isExcluded(doc.userId)) v.push(`${collection} ${key}: an excluded person's document is in quarantine ${line.file}`);
  }

  // Curated.
  const curatedCount = new Map<string, CuratedRow[]>();
  for (const row of curated) {
    curatedCount.set(row.id, [...(curatedCount.get(row.id) ?? []), row]);
    if (row.userId !== null && isExcluded(row.userId)) v.push(`${collection} ${row.id}: an excluded person's row is in curated ${row.file}`);
    const doc = byCurated.get(row.id);
    if (!doc) {
      const deleted = [...upstream.deleted].some((k) => curatedKey((BSON.EJSON.parse(k, { relaxed: false }) as { id: unknown }).id) === row.id);
      if (!(deleted && phase === "hourly")) v.push(`${collection} ${row.id}: in curated ${row.file} but not a live document of a non-excluded person${deleted ? " (deleted, reconciled)" : ""}`);
      continue;
    }
    if (!(doc.createdAt instanceof Date)) v.push(`${collection} ${row.id}: untimed, but in curated ${row.file}`);
    else if (dayOfFile(row.file) !== utcDay(doc.createdAt)) v.push(`${collection} ${row.id}: in curated ${row.file}, but its createdAt is on ${utcDay(doc.createdAt)}`);
    if (row.version !== versionOf(doc)) v.push(`${collection} ${row.id}: curated shows version ${showVersion(row.version)}, MongoDB's is ${showVersion(versionOf(doc))}`);
  }
  for (const [id, rows] of curatedCount) if (rows.length > 1) v.push(`${collection} ${id}: ${rows.length}× in curated [${rows.map((r) => r.file).join(", ")}]`);

  // Per live document of a non-excluded person.
  for (const [key, doc] of expected) {
    const placed = doc.createdAt instanceof Date;
    const version = versionOf(doc);
    const inCurated = curatedCount.get(curatedKey(doc._id))?.length ?? 0;
    const inRaw = [...newest.keys()].filter((k) => k.startsWith(`${key} `));
    const inQuarantine = quarantined.get(key) ?? 0;
    const label = `${collection} ${key}${placed ? ` (createdAt ${(doc.createdAt as Date).toISOString()}, version ${showVersion(version)})` : " (untimed)"}`;
    if (upstream.late.has(key) && inCurated + inRaw.length + inQuarantine === 0) continue;
    if (!placed) {
      if (inQuarantine !== 1) v.push(`${label}: ${inQuarantine}× in quarantine, expected once`);
      continue;
    }
    const today = utcDay(doc.createdAt as Date);
    const versionQuarantined = quarantinedVersions.has(`${key} ${version}`) ? 1 : 0;
    if (inCurated + versionQuarantined !== 1) v.push(`${label}: ${inCurated}× curated + ${versionQuarantined}× its version in quarantine, expected once`);
    const here = newest.get(`${key} ${today}`);
    if (!here) v.push(`${label}: not in raw ${today}${inRaw.length ? ` (raw has it on ${inRaw.map((k) => k.split(" ").pop()).join(", ")})` : ""}`);
    else if (here.tombstone) v.push(`${label}: raw ${today} ends in a tombstone (${showVersion(here.version)})`);
    else if (here.version !== version) v.push(`${label}: raw ${today}'s newest version is ${showVersion(here.version)}`);
    for (const at of inRaw) {
      const day = at.split(" ").pop()!;
      if (day !== today && !newest.get(at)!.tombstone) v.push(`${label}: raw ${day} still holds it (version ${showVersion(newest.get(at)!.version)}) without a tombstone`);
    }
  }

  // Deleted documents: every partition ends in a tombstone once reconciled.
  if (phase === "final") {
    for (const [at, n] of newest) {
      const key = at.slice(0, at.lastIndexOf(" "));
      if (!upstream.deleted.has(key) || live.has(key) || n.tombstone) continue;
      if (quarantinedVersions.has(`${key} ${n.version}`)) continue; // never curated: reconcile cannot see it
      v.push(`${collection} ${key}: deleted from MongoDB, reconciled, but raw ${at.split(" ").pop()} ends in version ${showVersion(n.version)}, not a tombstone`);
    }
  }

  // Raw is history: nothing once observed there is gone (unless its person is excluded).
  for (const [vk, seen] of upstream.seen) {
    if (seen.person !== undefined && excluded.has(seen.person)) continue;
    if (!rawVersions.has(vk)) v.push(`${collection} ${vk.replace(/ (-?[\d.]+|-Infinity)$/, (_, n: string) => ` version ${showVersion(Number(n))}`)}: in raw when observed ${seen.where}, gone from raw now`);
  }

  // Audit.
  const audit = world.ctx.storage.table(world.config.tables.audit);
  const rows: { partitionKey: string; rowKey: string; profileId: string; status: string }[] = [];
  for await (const e of audit.listEntities<{ profileId: string; status: string }>()) rows.push(e as never);
  for (const profile of exclusion.profileIds) {
    const person = personKey(profile)!;
    const purges = rows.filter((r) => r.partitionKey === "purge" && r.rowKey === purgeKey(person, collection));
    if (purges.length !== 1 || purges[0]!.status !== "done") v.push(`${collection}: excluded profile ${person} has ${purges.length} purge audit rows (${purges.map((r) => r.status).join(", ")}), expected one, done`);
  }
  for (const r of rows.filter((r) => r.partitionKey === "erasure" && r.status !== "done")) v.push(`erasure ${r.rowKey}: audit status ${r.status} after settling`);

  const wm = await new WatermarkStore(world.ctx.storage.table(world.config.tables.watermarks)).read(collection);
  if (wm.pending) v.push(`${collection}: window ${wm.pending.runId} still pending after settling`);
  const mark = await new ChangeMarkStore(world.ctx.storage.table(world.config.tables.watermarks)).read(collection);
  if (mark.pending) v.push(`${collection}: change pass ${mark.pending.runId} still pending after settling`);
  return v.map((line) => `[${phase}] ${line}`);
}

/**
 * At a quiet point (no insert window and no change pass pending), every version raw holds is
 * recorded: it must still be there at the end (raw is the history of what the ETL saw).
 */
export async function observeRaw(world: World, collection: string, seen: Map<string, { person: string | undefined; where: string }>, where: string): Promise<boolean> {
  const table = world.ctx.storage.table(world.config.tables.watermarks);
  const [wm, mark] = await Promise.all([new WatermarkStore(table).read(collection), new ChangeMarkStore(table).read(collection)]);
  if (wm.pending || mark.pending) return false;
  for (const line of await jsonlLines(world, "raw", collection)) {
    if (line.doc[TOMBSTONE_FIELD]) continue;
    const vk = `${idKey(line.doc._id)} ${versionOf(line.doc)}`;
    if (!seen.has(vk)) seen.set(vk, { person: personKey(line.doc.userId), where });
  }
  return true;
}
