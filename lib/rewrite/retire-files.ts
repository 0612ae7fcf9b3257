import type { LakeZone } from "../load/lake-paths.js";
import type { FileWritten, LakeTarget } from "../load/partition-files.js";
import type { PartitionSnapshot } from "./partition-snapshot.js";

/**
 * Deletes the snapshot's committed files of `zones` that the chunk superseded, after its own files
 * are durable: readers see the old files, then old and new for a moment, then the new ones; never an
 * empty day. Files the chunk wrote itself (a retry overwrites its own names) are kept, as is anything
 * listed after the snapshot (later hourly windows). Idempotent: a retry deletes what is left.
 */
export async function retireSuperseded(
  target: LakeTarget,
  snapshot: PartitionSnapshot,
  zones: readonly LakeZone[],
  written: FileWritten[],
): Promise<string[]> {
  const keep = new Set(written.map((f) => `${f.zone}/${f.blobName}`));
  const doomed = zones.flatMap((zone) => snapshot.committed[zone].filter((name) => !keep.has(`${zone}/${name}`)).map((name) => ({ zone, name })));
  target.fence?.();
  await Promise.all(
    doomed.map(({ zone, name }) => target.lake.getContainerClient(target.containers[zone]).getBlobClient(name).deleteIfExists()),
  );
  return doomed.map(({ zone, name }) => `${zone}/${name}`);
}
