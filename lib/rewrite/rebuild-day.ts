import type { Db, Document, Filter } from "mongodb";
import { changeFieldOf, type CollectionSpec } from "../collections/spec.js";
import { extractionSort } from "../extract/window.js";
import type { FileWritten, LakeTarget } from "../load/partition-files.js";
import type { Logger } from "../log.js";
import { untimedReason } from "../transform/curated-row.js";
import { carryHistory, CurrentVersions, type HistoryCarried } from "./carry-history.js";
import { DocumentSink, fillSink, type DayCounts } from "./document-sink.js";
import { exactDocument, mongoDocuments } from "./mongo-source.js";

export interface RebuildInput {
  db: Db;
  target: LakeTarget;
  spec: CollectionSpec;
  day: string;
  fileId: string;
  /** The day's documents with a usable createdAt (the caller decides which it owns). */
  timed?: Filter<Document>;
  /** The day's documents without one, quarantined. */
  untimed?: Filter<Document>;
  /** The raw files the replacement supersedes: their history is carried into it (lib/rewrite/carry-history.ts). */
  supersededRaw: readonly string[];
  /**
   * The day's documents past the committed watermark: their next insert window writes them, so the
   * lines raw holds of their current version now are left to it (else that version would be there twice).
   */
  ahead?: Filter<Document>;
  /** Time of the tombstones the rebuild writes for documents that left the day. */
  now: Date;
  batchSize: number;
  log: Logger;
  /** Told of every timed document placed on the day (lib/changes/placements.ts keeps the off-ObjectId-day ones). */
  placed?: { note(id: unknown, day: string): void };
}

/**
 * A partition's replacement from MongoDB: the documents the filters select, through the document
 * sink into one raw, one curated and one quarantine file named by `fileId`; raw also keeps every
 * older version and tombstone of the files it supersedes. Nothing is deleted here.
 */
export async function rebuildDay(input: RebuildInput): Promise<{ counts: DayCounts; written: FileWritten[]; history: HistoryCarried }> {
  const { db, target, spec, day, fileId, log } = input;
  const collection = db.collection(spec.name);
  const changeField = changeFieldOf(spec);
  let history: HistoryCarried | undefined;
  const result = await fillSink(new DocumentSink(target, spec, day, fileId, log, { reread: exactDocument(collection) }), async (sink) => {
    const current = new CurrentVersions(changeField);
    if (input.timed) {
      for await (const doc of mongoDocuments(collection, input.timed, extractionSort, input.batchSize)) {
        current.add(doc, await sink.write(doc));
        input.placed?.note(doc._id, day);
      }
    }
    if (input.untimed) {
      for await (const doc of mongoDocuments(collection, input.untimed, { _id: 1 }, input.batchSize)) await sink.quarantine(doc, untimedReason(doc));
    }
    if (input.ahead) {
      for await (const doc of mongoDocuments(collection, input.ahead, { _id: 1 }, input.batchSize, { _id: 1, [changeField]: 1 })) current.leaveToWindow(doc);
    }
    history = await carryHistory(sink, { target, files: input.supersededRaw, changeField, day, collection, now: input.now }, current);
  });
  const carried = history!;
  const tombstones = Object.entries(carried.tombstones).filter(([, n]) => n > 0);
  if (carried.lines + carried.leftToWindow + tombstones.length > 0) {
    log.info(
      `${spec.name} ${day}: raw keeps ${carried.lines} history lines of the superseded files` +
        (carried.leftToWindow ? `, leaves ${carried.leftToWindow} versions past the watermark to their insert window` : "") +
        (tombstones.length ? `, tombstones for documents that left the day: ${tombstones.map(([r, n]) => `${n} ${r}`).join(", ")}` : ""),
      { partition: day },
    );
  }
  return { ...result, history: carried };
}
