import type { Db, Document, Filter } from "mongodb";
import type { CollectionSpec } from "../collections/spec.js";
import { extractionSort } from "../extract/window.js";
import type { FileWritten, LakeTarget } from "../load/partition-files.js";
import type { Logger } from "../log.js";
import { untimedReason } from "../transform/curated-row.js";
import { DocumentSink, fillSink, type DayCounts } from "./document-sink.js";
import { mongoDocuments } from "./mongo-source.js";

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
  batchSize: number;
  log: Logger;
}

/**
 * A partition's replacement from MongoDB: the documents the filters select, through the document
 * sink into one raw, one curated and one quarantine file named by `fileId`. Nothing is deleted here.
 */
export async function rebuildDay(input: RebuildInput): Promise<{ counts: DayCounts; written: FileWritten[] }> {
  const { db, target, spec, day, fileId, log } = input;
  const collection = db.collection(spec.name);
  return fillSink(new DocumentSink(target, spec, day, fileId, log), async (sink) => {
    if (input.timed) {
      for await (const doc of mongoDocuments(collection, input.timed, extractionSort, input.batchSize)) await sink.write(doc);
    }
    if (input.untimed) {
      for await (const doc of mongoDocuments(collection, input.untimed, { _id: 1 }, input.batchSize)) await sink.quarantine(doc, untimedReason(doc));
    }
  });
}
