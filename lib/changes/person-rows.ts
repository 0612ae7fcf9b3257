import { createHash } from "node:crypto";
import { ObjectId, type Document } from "mongodb";
import { changeFieldOf, type CollectionSpec } from "../collections/spec.js";
import type { ApplyInput } from "./apply-day-changes.js";
import type { LakeTarget } from "../load/partition-files.js";
import { listUntimedFiles, UNTIMED_DAY } from "../load/untimed-files.js";
import { crashpoint } from "../pipeline/fault-injection.js";
import {
  currentRawDocuments,
  DocumentSink,
  fillSink,
  lockPartition,
  PartitionBusyError,
  parseRawLine,
  replacePartition,
  snapshotPartition,
  zoneLines,
} from "../rewrite/index.js";

const HEX24 = /^[0-9a-f]{24}$/i;

/** One text per person id, whichever form a document stores it in (ObjectId or its 24-hex string). */
export function personKey(id: unknown): string | undefined {
  if (id instanceof ObjectId) return id.toHexString();
  if (typeof id === "string") return HEX24.test(id) ? id.toLowerCase() : `s:${id}`;
  if (typeof id === "number") return `n:${id}`;
  return undefined;
}

/** The field that names the person: the profile's own _id, else userId. */
export const personField = (spec: CollectionSpec) => (spec.name === "profiles" ? "_id" : "userId");

/** Which of `people` (person keys) a document belongs to, if any. */
export function personOf(spec: CollectionSpec, people: ReadonlySet<string>): (doc: Document) => string | undefined {
  const field = personField(spec);
  return (doc) => {
    const key = personKey(doc[field]);
    return key !== undefined && people.has(key) ? key : undefined;
  };
}

export interface RemovalCounts {
  raw: number;
  curated: number;
  quarantine: number;
}

/** A removal rewrites partitions under the same lock and lease as a change pass. */
export type RemovalInput = Omit<ApplyInput, "now">;

const digest = (line: string) => createHash("sha1").update(line).digest("base64");

/**
 * Removes every line of `people` from one partition, in all three zones: raw and quarantine keep
 * their other lines verbatim (every version and tombstone), curated is rebuilt from the kept raw.
 * Under the partition lock, against a snapshot; the replacement is swapped in and everything it
 * supersedes retired. Returns counts per person, or an empty map when the partition held none (and
 * was left alone). A replay keeps lines once (identical lines of its earlier attempt are deduped).
 */
export async function removeFromPartition(input: RemovalInput, day: string, people: ReadonlySet<string>): Promise<Map<string, RemovalCounts>> {
  const { target, spec, fileId, log } = input;
  const whose = personOf(spec, people);
  const counts = new Map<string, RemovalCounts>();
  const count = (person: string, zone: keyof RemovalCounts) => {
    const c = counts.get(person) ?? counts.set(person, { raw: 0, curated: 0, quarantine: 0 }).get(person)!;
    c[zone]++;
  };
  if (day === UNTIMED_DAY) return removeUntimed(input, whose, count).then(() => counts);
  const lock = await lockPartition(input.locks, spec.name, day, input.leaseSeconds);
  if (!lock) throw new PartitionBusyError(spec.name, day, "the removal");
  try {
    const snapshot = await snapshotPartition(target, input.watermarks, spec.name, day, ["raw", "curated", "quarantine"]);
    const quarantineDoc = (line: string) => (parseRawLine(line).doc ?? {}) as Document;
    let found = false;
    for await (const { line } of zoneLines(target, "raw", snapshot.committed.raw)) if (whose(parseRawLine(line))) found = true;
    for await (const { line } of zoneLines(target, "quarantine", snapshot.committed.quarantine)) if (whose(quarantineDoc(line))) found = true;
    if (!found) return counts;

    await replacePartition(target, snapshot, ["raw", "curated", "quarantine"], {
      build: () =>
        fillSink(new DocumentSink(target, spec, day, fileId, log), async (sink) => {
          const seen = new Set<string>();
          for await (const { line } of zoneLines(target, "raw", snapshot.committed.raw)) {
            const person = whose(parseRawLine(line));
            if (person) count(person, "raw");
            else if (!seen.has(digest(line)) && seen.add(digest(line))) await sink.copyRawLine(line);
          }
          seen.clear();
          for await (const { line } of zoneLines(target, "quarantine", snapshot.committed.quarantine)) {
            const person = whose(quarantineDoc(line));
            if (person) count(person, "quarantine");
            else if (!seen.has(digest(line)) && seen.add(digest(line))) await sink.copyQuarantineLine(line);
          }
          const keep = (doc: Document) => {
            const person = whose(doc);
            if (person) count(person, "curated");
            return !person;
          };
          for await (const doc of currentRawDocuments(target, snapshot.committed.raw, changeFieldOf(spec), keep)) await sink.curate(doc, false);
        }),
      beforeRetire: async () => {
        await crashpoint("purge-written", `${spec.name} ${day}`);
        if (!lock.held || !input.stillHeld()) throw new Error(`Lost a lease while removing rows from ${spec.name} ${day}; left for the replay`);
      },
    });
    // A replay finds the rows of its first attempt gone from the old files but counted then.
    return counts;
  } finally {
    await lock.release();
  }
}

/**
 * Untimed documents sit one per file in the epoch partition, owned by no day (lib/load/untimed-files.ts),
 * so no partition rewrite sees them: a person's files are deleted whole, under the collection lease
 * (windows no longer write them: the person is excluded).
 */
async function removeUntimed(input: RemovalInput, whose: (doc: Document) => string | undefined, count: (person: string, zone: keyof RemovalCounts) => void): Promise<void> {
  const container = input.target.lake.getContainerClient(input.target.containers.quarantine);
  for (const name of await listUntimedFiles(input.target, input.spec.name)) {
    for await (const { line } of zoneLines(input.target, "quarantine", [name])) {
      const person = whose((parseRawLine(line).doc ?? {}) as Document);
      if (!person) continue;
      if (!input.stillHeld()) throw new Error(`Lost the lease on ${input.spec.name} while removing untimed documents; left for the replay`);
      await container.getBlobClient(name).deleteIfExists();
      count(person, "quarantine");
    }
  }
}

/** Days that hold files of a collection in raw or quarantine (every partition an erasure must visit). */
export async function lakeDays(target: LakeTarget, collection: string): Promise<string[]> {
  const days = new Set<string>();
  for (const zone of ["raw", "quarantine", "curated"] as const) {
    for await (const blob of target.lake.getContainerClient(target.containers[zone]).listBlobsFlat({ prefix: `${collection}/date=` })) {
      const day = /date=(\d{4}-\d{2}-\d{2})\//.exec(blob.name)?.[1];
      if (day) days.add(day);
    }
  }
  return [...days].sort();
}
