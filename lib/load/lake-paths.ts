import { randomBytes } from "node:crypto";

/** Lake layout (DESIGN.md): {container}/{collection}/date=YYYY-MM-DD/{collection}_{fileId}.{ext}. */
export type LakeZone = "raw" | "curated" | "quarantine";

const extensions: Record<LakeZone, string> = { raw: "jsonl", curated: "parquet", quarantine: "jsonl" };

const DAY_MS = 86_400_000;
// The last day asked for, as [start, end) in ms: a window's documents come in createdAt order, so
// nearly every call is the day before it and skips building an ISO string.
let cached = { start: 0, end: 0, day: "" };

/** UTC day of a timestamp, the partition a document lands in. */
export function utcDay(date: Date): string {
  const t = date.getTime();
  if (t >= cached.start && t < cached.end) return cached.day;
  const day = date.toISOString().slice(0, 10); // throws on an invalid Date, as before
  const start = t - (((t % DAY_MS) + DAY_MS) % DAY_MS);
  cached = { start, end: start + DAY_MS, day };
  return day;
}

/** `YYYYMMDD_HHMMSS` of a UTC instant. */
export function formatRunId(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}_${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
}

/**
 * Id of a fresh hourly window: its start second plus 6 random hex digits, so two windows that start
 * in the same second (a manual run at the top of the hour, a `--now` replay) never share blob names.
 * A replay of a pending window keeps the id recorded with it.
 */
export function newWindowId(now: Date, random: string = randomBytes(3).toString("hex")): string {
  return `${formatRunId(now)}_${random}`;
}

export function partitionPrefix(collection: string, day: string): string {
  return `${collection}/date=${day}/`;
}

/** Blob name inside the zone's container. */
export function lakeBlobName(zone: LakeZone, collection: string, day: string, fileId: string): string {
  return `${partitionPrefix(collection, day)}${collection}_${fileId}.${extensions[zone]}`;
}

/** The path as logs and docs show it, container included. */
export function displayPath(zone: LakeZone, blobName: string): string {
  return `${zone}/${blobName}`;
}

/** Every UTC day from `from` to `to` inclusive. */
export function daysBetween(from: Date, to: Date): string[] {
  const days: string[] = [];
  const cursor = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  while (cursor.getTime() <= to.getTime()) {
    days.push(utcDay(cursor));
    cursor.setUTCDate(cursor.getUTCDate() + 1);
  }
  return days;
}
