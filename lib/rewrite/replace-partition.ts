import type { LakeZone } from "../load/lake-paths.js";
import type { FileWritten, LakeTarget } from "../load/partition-files.js";
import type { DayCounts } from "./document-sink.js";
import type { PartitionSnapshot } from "./partition-snapshot.js";
import { retireSuperseded } from "./retire-files.js";

export interface Replacement {
  counts: DayCounts;
  written: FileWritten[];
}

export interface ReplaceSteps {
  /** Writes the replacement files (nothing visible is deleted yet). */
  build(): Promise<Replacement>;
  /** Runs once the replacement is durable, before anything is retired: crash points, lock checks. */
  beforeRetire?(replacement: Replacement): Promise<void> | void;
}

/**
 * The rewrite stage's swap: build the replacement of a snapshotted partition, then retire the
 * snapshot's files of `replaced` zones that it supersedes. Readers see the old files, then old and
 * new for a moment, then the new ones: never an empty partition. A crash before the retire leaves
 * both; its replay (same file id) overwrites its own files and retires the rest.
 */
export async function replacePartition(
  target: LakeTarget,
  snapshot: PartitionSnapshot,
  replaced: readonly LakeZone[],
  steps: ReplaceSteps,
): Promise<Replacement & { retired: string[] }> {
  const replacement = await steps.build();
  await steps.beforeRetire?.(replacement);
  const retired = await retireSuperseded(target, snapshot, replaced, replacement.written);
  return { ...replacement, retired };
}
