import { lakeBlobName, partitionPrefix, type LakeZone } from "../load/lake-paths.js";
import type { LakeTarget } from "../load/partition-files.js";
import type { WatermarkState, WatermarkStore } from "../state/watermarks.js";

/**
 * The files of one (collection, day) partition, split by who owns them, together with the committed
 * watermark they are consistent with.
 *
 * Consistency without the hourly lease: every hourly window writes the watermark row twice, once to
 * claim (pending) before its first file and once to commit after its last. The listing is taken
 * between two reads of the row; if both reads return the same ETag, no window claimed or committed
 * meanwhile, so each listed file belongs either to a committed window (all its documents have keys
 * <= the watermark) or to the one pending window (keys > the watermark, left alone). A window that
 * claims later writes files the listing cannot contain.
 */
export interface PartitionSnapshot {
  collection: string;
  day: string;
  /** The committed watermark state both reads agreed on. */
  watermark: WatermarkState;
  /** Files of committed windows and earlier backfills, per zone: what a rebuild supersedes. */
  committed: Record<LakeZone, string[]>;
  /** Files of the pending (in-flight or crashed) window: never read, never deleted. */
  inFlight: string[];
}

export class WatermarkMovingError extends Error {
  constructor(collection: string, day: string, attempts: number) {
    super(
      `The watermark of ${collection} changed during each of ${attempts} listings of ${day} ` +
        "(hourly windows committing back to back); the chunk is retried later",
    );
    this.name = "WatermarkMovingError";
  }
}

const MAX_LISTINGS = 5;
const UNTIMED_FILE = /_untimed_[0-9a-f]{24}\.jsonl$/;

export interface SnapshotHooks {
  /** Test seam: runs between the listing and the second watermark read (the race window). */
  afterListing?: () => Promise<void>;
}

async function listZone(target: LakeTarget, zone: LakeZone, collection: string, day: string): Promise<string[]> {
  const names: string[] = [];
  const container = target.lake.getContainerClient(target.containers[zone]);
  for await (const blob of container.listBlobsFlat({ prefix: partitionPrefix(collection, day) })) names.push(blob.name);
  return names.sort();
}

export async function snapshotPartition(
  target: LakeTarget,
  watermarks: WatermarkStore,
  collection: string,
  day: string,
  zones: readonly LakeZone[],
  hooks: SnapshotHooks = {},
  onRetry: (attempt: number) => void = () => undefined,
): Promise<PartitionSnapshot> {
  for (let attempt = 1; attempt <= MAX_LISTINGS; attempt++) {
    const before = await watermarks.read(collection);
    const listed = await Promise.all(zones.map((zone) => listZone(target, zone, collection, day)));
    await hooks.afterListing?.();
    const after = await watermarks.read(collection);
    if (before.etag !== after.etag) {
      onRetry(attempt);
      continue;
    }
    const pendingId = before.pending?.runId;
    const inFlightNames = new Set(
      pendingId === undefined
        ? []
        : [
            lakeBlobName("raw", collection, day, pendingId),
            lakeBlobName("curated", collection, day, pendingId),
            lakeBlobName("quarantine", collection, day, pendingId),
            lakeBlobName("quarantine", collection, day, `${pendingId}_untimed`),
          ],
    );
    const committed: Record<LakeZone, string[]> = { raw: [], curated: [], quarantine: [] };
    const inFlight: string[] = [];
    zones.forEach((zone, i) => {
      for (const name of listed[i]!) {
        if (UNTIMED_FILE.test(name)) continue; // one per timeless document, owned by no day (lib/load/untimed-files.ts)
        if (inFlightNames.has(name)) inFlight.push(`${zone}/${name}`);
        else committed[zone].push(name);
      }
    });
    return { collection, day, watermark: before, committed, inFlight };
  }
  throw new WatermarkMovingError(collection, day, MAX_LISTINGS);
}
