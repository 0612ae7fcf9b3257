import { changeFieldOf, type CollectionSpec } from "../collections/spec.js";
import type { FileWritten, LakeTarget } from "../load/partition-files.js";
import type { Logger } from "../log.js";
import { DocumentSink, fillSink, type DayCounts } from "./document-sink.js";
import type { PartitionSnapshot } from "./partition-snapshot.js";
import { currentRawDocuments } from "./raw-source.js";

export interface RescoreInput {
  target: LakeTarget;
  spec: CollectionSpec;
  snapshot: PartitionSnapshot;
  fileId: string;
  log: Logger;
}

/**
 * Re-derives a partition's curated file from its committed raw files: raw is the lossless record of
 * what the lake holds, so the new curated rows cover the newest version of the same documents, with
 * the current derivation (quality score and version). Reads no MongoDB, writes no raw or quarantine
 * file: a raw document that fails the transform is already in quarantine from the run that wrote it.
 */
export async function rescoreDay(input: RescoreInput): Promise<{ counts: DayCounts; written: FileWritten[] }> {
  const { target, spec, snapshot, fileId, log } = input;
  const result = await fillSink(new DocumentSink(target, spec, snapshot.day, fileId, log, { zones: { raw: false, quarantine: false } }), async (sink) => {
    for await (const doc of currentRawDocuments(target, snapshot.committed.raw, changeFieldOf(spec))) await sink.write(doc);
  });
  if (result.counts.quarantined > 0) log.info(`${spec.name} ${snapshot.day}: ${result.counts.quarantined} raw docs fail the transform; they stay in quarantine`);
  return result;
}
