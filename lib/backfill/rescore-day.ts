import { createInterface } from "node:readline";
import { BSON, type Document } from "mongodb";
import type { CollectionSpec } from "../collections/spec.js";
import { PartitionFiles, type FileWritten, type LakeTarget } from "../load/partition-files.js";
import type { Logger } from "../log.js";
import { curate } from "../transform/curated-row.js";
import { emptyCounts, type DayCounts } from "./rebuild-day.js";
import type { PartitionSnapshot } from "./partition-snapshot.js";

export interface RescoreInput {
  target: LakeTarget;
  spec: CollectionSpec;
  snapshot: PartitionSnapshot;
  fileId: string;
  log: Logger;
}

/**
 * Re-derives a partition's curated file from its committed raw files: the raw JSONL is the lossless
 * record of exactly what the lake holds, so the new curated rows cover the same documents, with the
 * current derivation (quality score and version). Reads no MongoDB, writes no raw or quarantine file.
 * A raw document that fails the transform is already in quarantine from the run that wrote it.
 */
export async function rescoreDay(input: RescoreInput): Promise<{ counts: DayCounts; written: FileWritten[] }> {
  const { target, spec, snapshot, fileId, log } = input;
  const counts = emptyCounts();
  const raw = target.lake.getContainerClient(target.containers.raw);
  const partition = new PartitionFiles(target, spec, snapshot.day, fileId);
  try {
    for (const name of snapshot.committed.raw) {
      const download = await raw.getBlobClient(name).download();
      if (!download.readableStreamBody) throw new Error(`raw/${name} has no body`);
      const lines = createInterface({ input: download.readableStreamBody, crlfDelay: Infinity });
      for await (const line of lines) {
        if (!line) continue;
        const doc = BSON.EJSON.parse(line, { relaxed: false }) as Document;
        counts.documents++;
        counts.rawRows++;
        const curation = curate(spec, doc, fileId);
        if ("rejected" in curation) {
          counts.quarantined++; // left in its quarantine file
          continue;
        }
        await partition.writeCurated(curation.row);
        counts.curatedRows++;
        if (curation.note) counts.notes[curation.note] = (counts.notes[curation.note] ?? 0) + 1;
      }
    }
    if (counts.quarantined > 0) log.info(`${spec.name} ${snapshot.day}: ${counts.quarantined} raw docs fail the transform; they stay in quarantine`);
    return { counts, written: await partition.close() };
  } catch (err) {
    await partition.abort(err instanceof Error ? err : new Error(String(err)));
    throw err;
  }
}
