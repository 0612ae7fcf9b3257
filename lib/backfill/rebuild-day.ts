import type { Db, Document } from "mongodb";
import type { CollectionSpec } from "../collections/spec.js";
import { excludedProfileFilter, type TesterExclusion } from "../extract/testers.js";
import { extractionSort, testerFilter } from "../extract/window.js";
import { PartitionFiles, type FileWritten, type LakeTarget } from "../load/partition-files.js";
import type { Logger } from "../log.js";
import { describeId } from "../transform/bson-values.js";
import { curate, untimedReason } from "../transform/curated-row.js";
import { committedDayFilter, committedUntimedFilter } from "./day-filter.js";
import type { PartitionSnapshot } from "./partition-snapshot.js";

export interface DayCounts {
  /** Documents of the day now in the lake: raw lines plus untimed quarantine lines. */
  documents: number;
  rawRows: number;
  curatedRows: number;
  quarantined: number;
  notes: Record<string, number>;
}

export function emptyCounts(): DayCounts {
  return { documents: 0, rawRows: 0, curatedRows: 0, quarantined: 0, notes: {} };
}

export interface RebuildInput {
  db: Db;
  target: LakeTarget;
  spec: CollectionSpec;
  snapshot: PartitionSnapshot;
  fileId: string;
  exclusion: TesterExclusion;
  batchSize: number;
  log: Logger;
}

/**
 * Full rebuild of one partition from MongoDB: every document of the day with key <= the committed
 * watermark (tester exclusion and transform exactly as the hourly path), written as one raw, one
 * curated and one quarantine file named by `fileId`. Nothing is deleted here.
 */
export async function rebuildDay(input: RebuildInput): Promise<{ counts: DayCounts; written: FileWritten[] }> {
  const { db, target, spec, snapshot, fileId, log } = input;
  const counts = emptyCounts();
  const collection = db.collection(spec.name);
  const excludeTesters = testerFilter(spec.testerRule, input.exclusion.idVariants, excludedProfileFilter);
  const partition = new PartitionFiles(target, spec, snapshot.day, fileId);

  const quarantine = async (doc: Document, reason: string) => {
    log.warn(`Skipping doc ${describeId(doc._id)}: ${reason}`);
    await partition.writeQuarantine(doc, reason);
    counts.quarantined++;
  };

  try {
    const timed = committedDayFilter(snapshot.day, snapshot.watermark.last, excludeTesters);
    if (timed) {
      const cursor = collection.find(timed, { sort: extractionSort, batchSize: input.batchSize, promoteValues: false });
      try {
        for await (const doc of cursor) {
          counts.documents++;
          await partition.writeRaw(doc);
          counts.rawRows++;
          const curation = curate(spec, doc, fileId);
          if ("rejected" in curation) {
            await quarantine(doc, curation.rejected);
          } else {
            await partition.writeCurated(curation.row);
            counts.curatedRows++;
            if (curation.note) counts.notes[curation.note] = (counts.notes[curation.note] ?? 0) + 1;
          }
        }
      } finally {
        await cursor.close();
      }
    }
    const untimed = committedUntimedFilter(snapshot.day, snapshot.watermark.windowUpper, excludeTesters);
    if (untimed) {
      const cursor = collection.find(untimed, { sort: { _id: 1 }, batchSize: input.batchSize, promoteValues: false });
      try {
        for await (const doc of cursor) {
          counts.documents++;
          await quarantine(doc, untimedReason(doc));
        }
      } finally {
        await cursor.close();
      }
    }
    return { counts, written: await partition.close() };
  } catch (err) {
    await partition.abort(err instanceof Error ? err : new Error(String(err)));
    throw err;
  }
}
