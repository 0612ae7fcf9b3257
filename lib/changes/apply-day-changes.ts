import type { ContainerClient } from "@azure/storage-blob";
import type { Document } from "mongodb";
import { changeFieldOf, type CollectionSpec } from "../collections/spec.js";
import { lakeBlobName } from "../load/lake-paths.js";
import type { FileWritten, LakeTarget } from "../load/partition-files.js";
import type { Logger } from "../log.js";
import { crashpoint } from "../pipeline/fault-injection.js";
import {
  currentRawDocuments,
  DocumentSink,
  fillSink,
  idText,
  lineKey,
  lockPartition,
  PartitionBusyError,
  readRawState,
  replacePartition,
  snapshotPartition,
  tombstoneLine,
  versionText,
  zoneLines,
  type DayCounts,
  type LineKey,
  type Reread,
  type TombstoneReason,
} from "../rewrite/index.js";
import type { WatermarkStore } from "../state/watermarks.js";
import { toRawLine } from "../transform/bson-values.js";

export interface DayChanges {
  day: string;
  /** Current versions of changed documents whose createdAt falls on this day. */
  incoming: Document[];
  /** Documents that no longer belong here (moved away, deleted, excluded): tombstoned if still here. */
  leaving: Leaving[];
  /** Rewrite curated even when raw gains nothing (reconcile: duplicate or orphan rows). */
  force?: boolean;
}

export interface Leaving {
  id: unknown;
  reason: TombstoneReason;
  /** Change time the tombstone supersedes (the moved version's, or now for a delete). */
  version: Date;
  movedTo?: string;
}

export interface DayChangeResult {
  day: string;
  status: "rewritten" | "unchanged";
  newVersions: number;
  tombstones: number;
  counts?: DayCounts;
  written: FileWritten[];
  retired: string[];
}

export interface ApplyInput {
  target: LakeTarget;
  spec: CollectionSpec;
  watermarks: WatermarkStore;
  locks: ContainerClient;
  leaseSeconds: number;
  fileId: string;
  log: Logger;
  /** False once the pass lost its collection lease: nothing more may be retired. */
  stillHeld: () => boolean;
  now: Date;
  /** Re-reads a document whose dates the driver lost (lib/rewrite exactDocument), as the hourly path does. */
  reread?: Reread;
}

/**
 * Rewrites one partition for a change pass: under the partition lock, snapshot it, append to raw
 * the versions it does not hold yet (once per (_id, change time)) and a `moved` tombstone for each
 * document that left it, rebuild curated from the merged raw (newest version of each document),
 * then retire the curated files that superseded. Raw and quarantine files are only ever added to.
 * A replay (same file id) keeps what its earlier attempt wrote and adds nothing twice.
 */
export async function applyDayChanges(input: ApplyInput, changes: DayChanges): Promise<DayChangeResult> {
  const { target, spec, fileId, log } = input;
  const { day } = changes;
  const field = changeFieldOf(spec);
  const lock = await lockPartition(input.locks, spec.name, day, input.leaseSeconds);
  if (!lock) throw new PartitionBusyError(spec.name, day, "the change pass");
  try {
    const snapshot = await snapshotPartition(target, input.watermarks, spec.name, day, ["raw", "curated"]);
    const ownRaw = lakeBlobName("raw", spec.name, day, fileId);
    const ownPresent = snapshot.committed.raw.includes(ownRaw);
    const state = await readRawState(target, snapshot.committed.raw, field);

    const newVersions: Document[] = [];
    const incomingNewest = new Map<string, Document>();
    let index = state.lines;
    const adopt = (key: LineKey) => {
      const current = state.newest.get(key.id);
      if (!current || key.version > current.version || (key.version === current.version && key.tombstone && !current.tombstone)) {
        state.newest.set(key.id, { ...key, file: -1, index: index++ });
        return true;
      }
      return false;
    };
    for (const doc of changes.incoming) {
      const key = lineKey(toRawLine(doc), field);
      if (!state.versions.has(versionText(key))) {
        newVersions.push(doc);
        state.versions.add(versionText(key));
        adopt(key);
      }
      const newest = state.newest.get(key.id);
      if (newest && !newest.tombstone && newest.version === key.version) incomingNewest.set(key.id, doc);
    }
    const tombstones: string[] = [];
    for (const leaving of changes.leaving) {
      const id = idText(leaving.id);
      const newest = state.newest.get(id);
      if (!newest || newest.tombstone) continue; // not here (or already retired here)
      const { reason, version, movedTo } = leaving;
      const line = tombstoneLine(leaving.id, { reason, version, at: input.now, ...(movedTo ? { movedTo } : {}) });
      adopt(lineKey(line, field));
      tombstones.push(line);
      incomingNewest.delete(id);
    }
    if (newVersions.length === 0 && tombstones.length === 0 && !ownPresent && !changes.force) {
      return { day, status: "unchanged", newVersions: 0, tombstones: 0, written: [], retired: [] };
    }

    const existing = snapshot.committed.raw;
    const result = await replacePartition(target, snapshot, ["curated"], {
      build: () =>
        fillSink(new DocumentSink(target, spec, day, fileId, log, { reread: input.reread }), async (sink) => {
          // Raw: what an earlier attempt of this pass wrote, then the new lines.
          if (ownPresent) for await (const { line } of zoneLines(target, "raw", [ownRaw])) await sink.copyRawLine(line);
          for (const doc of newVersions) {
            const kept = await sink.recordRaw(doc);
            // Re-read with its dates exact: curated is made from the same document raw holds.
            const id = idText(doc._id);
            if (kept && kept !== doc && incomingNewest.get(id) === doc) incomingNewest.set(id, kept);
          }
          for (const line of tombstones) await sink.copyRawLine(line);
          // Curated: the newest version of each document of the day.
          for await (const doc of currentRawDocuments(target, existing, field, (d) => !incomingNewest.has(idText(d._id)), state)) {
            await sink.curate(doc, false); // its quarantine line exists from the run that first read it
          }
          for (const doc of incomingNewest.values()) await sink.curate(doc, true);
        }),
      beforeRetire: async () => {
        await crashpoint("changes-day-written", `${spec.name} ${day}`);
        if (!lock.held || !input.stillHeld()) throw new Error(`Lost a lease while rewriting ${spec.name} ${day}; superseded files left for the replay`);
      },
    });
    log.info(`${spec.name} ${day}: ${newVersions.length} new versions, ${tombstones.length} tombstones; curated rewritten (${result.counts.curatedRows} rows)`, {
      partition: day,
    });
    return { day, status: "rewritten", newVersions: newVersions.length, tombstones: tombstones.length, ...result };
  } finally {
    await lock.release();
  }
}
