import type { Db, Document } from "mongodb";
import type { CollectionSpec } from "../collections/spec.js";
import { documentReadOptions } from "../extract/decode-document.js";
import { idForms, type TesterExclusion } from "../extract/testers.js";
import { formatRunId, utcDay } from "../load/lake-paths.js";
import type { LakeTarget } from "../load/partition-files.js";
import type { EtlContext } from "../pipeline/context.js";
import { crashpoint } from "../pipeline/fault-injection.js";
import { AuditLog, type PartitionCount } from "../state/audit-log.js";
import { acquireCollectionLease } from "../state/collection-lease.js";
import { WatermarkStore } from "../state/watermarks.js";
import { lakeDays, personField, personKey, removeFromPartition, type RemovalInput } from "./person-rows.js";
import { idDay } from "./placements.js";

/** Profiles purged per collection and cycle at most; the rest follow in the next cycles. */
const MAX_PROFILES_PER_PASS = 500;

export interface PurgeSummary {
  collection: string;
  outcome: "success" | "skipped" | "failed";
  profiles: number;
  partitions: number;
  rows: number;
  error?: string;
}

/** Which of the three exclusion rules a profile matches (the first that does). */
export function exclusionRule(profile: Document | undefined): string {
  if (!profile) return "profile deleted";
  if (profile.isTester === true) return "isTester";
  if (profile.isArchived === true) return "isArchived";
  if (typeof profile.first_name === "string" && profile.first_name !== "") return "first_name";
  return "unknown";
}

/** Audit row key of a (profile, collection) purge. */
export const purgeKey = (person: string, collection: string) => `${Buffer.from(person).toString("base64url")}.${collection}`;

export const lakeTarget = (ctx: EtlContext): LakeTarget => ({
  lake: ctx.storage.lake,
  containers: { raw: ctx.config.containers.raw, curated: ctx.config.containers.curated, quarantine: ctx.config.containers.quarantine },
  compression: ctx.config.etl.parquetCompression,
});

/** Days of a collection that may hold a person's rows, from MongoDB (createdAt, else the ObjectId's day). */
export async function personDays(db: Db, spec: CollectionSpec, ids: unknown[]): Promise<Map<string, Set<string>>> {
  const field = personField(spec);
  const days = new Map<string, Set<string>>();
  const cursor = db.collection(spec.name).find({ [field]: { $in: ids.flatMap(idForms) } }, { projection: { _id: 1, createdAt: 1, [field]: 1 } });
  for await (const doc of cursor) {
    const day = doc.createdAt instanceof Date ? utcDay(doc.createdAt) : idDay(doc._id);
    const person = personKey(doc[field]);
    if (!day || !person) continue;
    (days.get(day) ?? days.set(day, new Set()).get(day)!).add(person);
  }
  return days;
}

/**
 * Late tester flags, for one collection: profiles excluded now (any of the three rules) that the
 * audit does not list as purged from this collection yet have every row removed from raw, curated
 * and quarantine, then one audit row each (profile, rule, partitions and counts, time). Runs under
 * the collection's lease, after its insert window: no window written with the old exclusion is in
 * flight, and later windows exclude the profile. Every day of the collection in the lake is
 * visited (MongoDB no longer knows where a moved or deleted document's rows are).
 */
export async function purgeFlagged(ctx: EtlContext, spec: CollectionSpec, exclusion: TesterExclusion, now = new Date()): Promise<PurgeSummary> {
  const summary: PurgeSummary = { collection: spec.name, outcome: "success", profiles: 0, partitions: 0, rows: 0 };
  if (spec.testerRule === "none" || exclusion.profileIds.length === 0) return summary;
  const { config, storage } = ctx;
  const log = ctx.log.child({ collection: spec.name });
  const audit = new AuditLog(storage.table(config.tables.audit));
  const done = await audit.doneKeys("purge");
  const pending = exclusion.profileIds
    .map((id) => ({ id, person: personKey(id) }))
    .filter((p): p is { id: unknown; person: string } => p.person !== undefined && !done.has(purgeKey(p.person, spec.name)))
    .slice(0, MAX_PROFILES_PER_PASS);
  if (pending.length === 0) return summary;

  const locks = storage.stateBlobs.getContainerClient(config.containers.locks);
  const lease = await acquireCollectionLease(locks, spec.name, config.etl.leaseSeconds, config.etl.leaseWaitMs);
  if (!lease) return { ...summary, outcome: "skipped" };
  try {
    const db = await ctx.db();
    const profiles = new Map<string, Document>();
    for await (const p of db.collection("profiles").find({ _id: { $in: pending.map((p) => p.id) } } as Document, documentReadOptions)) profiles.set(personKey(p._id)!, p);
    // Every day the lake holds, not only where MongoDB places the person's documents now: one that
    // moved or was deleted before the flag left rows on a day MongoDB no longer names (found by the
    // fault-schedule simulation). A day without their rows is read, not rewritten.
    const people = new Set(pending.map((p) => p.person));
    const days = (await lakeDays(lakeTarget(ctx), spec.name)).map((day) => [day, people] as const);
    const input: RemovalInput = {
      target: lakeTarget(ctx),
      spec,
      watermarks: new WatermarkStore(storage.table(config.tables.watermarks)),
      locks,
      leaseSeconds: config.etl.leaseSeconds,
      fileId: `purge_${formatRunId(now)}`,
      log,
      stillHeld: () => lease.held,
    };
    // What an earlier, interrupted pass removed: its rows are gone now, so a replay would count 0.
    const touched = new Map<string, PartitionCount[]>();
    for (const { person } of pending) {
      const earlier = await audit.get("purge", purgeKey(person, spec.name));
      if (earlier?.status === "running") touched.set(person, [...earlier.partitions]);
    }
    for (const [day, people] of days) {
      const counts = await removeFromPartition(input, day, people);
      if (counts.size > 0) summary.partitions++;
      for (const [person, c] of counts) {
        touched.set(person, addCounts(touched.get(person) ?? [], { collection: spec.name, day, ...c }));
        summary.rows += c.raw + c.curated + c.quarantine;
        // Progress, so a pass killed after this partition's swap still audits what it removed.
        await audit.write({ kind: "purge", key: purgeKey(person, spec.name), profileId: person, rule: exclusionRule(profiles.get(person)), status: "running", partitions: touched.get(person)!, requestedAt: now });
      }
    }
    await crashpoint("purge-before-commit", spec.name);
    if (!lease.held) throw new Error(`Lost the lease on ${spec.name} during the purge; the next cycle repeats it`);
    for (const { person } of pending) {
      const rule = exclusionRule(profiles.get(person));
      await audit.write({ kind: "purge", key: purgeKey(person, spec.name), profileId: person, rule, status: "done", partitions: touched.get(person) ?? [], requestedAt: now, finishedAt: new Date() });
    }
    summary.profiles = pending.length;
    if (summary.rows > 0) log.warn(`${spec.name}: purged ${summary.rows} rows of ${touched.size} late-flagged profiles from ${summary.partitions} partitions`);
    return summary;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log.error(`${spec.name}: late-flag purge failed (the next cycle repeats it): ${message}`);
    return { ...summary, outcome: "failed", error: message };
  } finally {
    await lease.release();
  }
}

/** Partition counts with one more, summed into the entry of the same (collection, day). */
function addCounts(list: readonly PartitionCount[], more: PartitionCount): PartitionCount[] {
  const same = list.find((p) => p.collection === more.collection && p.day === more.day);
  if (!same) return [...list, more];
  return list.map((p) => (p === same ? { ...p, raw: p.raw + more.raw, curated: p.curated + more.curated, quarantine: p.quarantine + more.quarantine } : p));
}
