import { randomBytes } from "node:crypto";
import { z } from "zod";
import { collectionNames } from "../collections/index.js";
import { formatRunId } from "../load/lake-paths.js";
import { requestDays, type BackfillMode, type BackfillRequest } from "./request.js";

/** `YYYYMMDD_HHMMSS_xxxxxx`: the submit instant (UTC) and 6 random hex digits. */
export const jobIdSchema = z.string().regex(/^\d{8}_\d{6}_[0-9a-f]{6}$/, "is not a backfill job id (YYYYMMDD_HHMMSS_xxxxxx)");

export function newJobId(now: Date, random: string = randomBytes(3).toString("hex")): string {
  return `${formatRunId(now)}_${random}`;
}

/**
 * File id of the compacted files a chunk writes: `{collection}_backfill_{jobId}.jsonl|parquet`, or
 * `{collection}_rescore_{jobId}.parquet` for a re-score. Never a `YYYYMMDD_HHMMSS` hourly runId, so
 * a reader (and `etl_run_id`) tells history rebuilt by a backfill from hourly windows.
 */
export function chunkFileId(mode: BackfillMode, jobId: string): string {
  return `${mode === "rescore" ? "rescore" : "backfill"}_${jobId}`;
}

/** One unit of work: one collection's partition for one UTC day. */
export interface ChunkRef {
  collection: string;
  day: string;
}

export function chunkKey(chunk: ChunkRef): string {
  return `${chunk.collection}_${chunk.day}`;
}

/**
 * Chunks of a request, day by day (oldest first) and, within a day, in collection order, so a
 * queue drained in order fills whole days. `extraDays` adds days for one collection beyond the
 * range (a repaired watermark's old position may lie past today).
 */
export function planChunks(request: Pick<BackfillRequest, "collections" | "from" | "to">, extraDays: Record<string, string[]> = {}): ChunkRef[] {
  const wanted = new Map<string, Set<string>>();
  for (const day of requestDays(request)) wanted.set(day, new Set(request.collections));
  for (const [collection, days] of Object.entries(extraDays)) {
    for (const day of days) {
      const set = wanted.get(day) ?? new Set<string>();
      set.add(collection);
      wanted.set(day, set);
    }
  }
  const order = (c: string) => collectionNames.indexOf(c);
  return [...wanted.keys()]
    .sort()
    .flatMap((day) => [...wanted.get(day)!].sort((a, b) => order(a) - order(b)).map((collection) => ({ collection, day })));
}
