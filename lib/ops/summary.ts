import { collections } from "../collections/index.js";
import type { Config } from "../config.js";
import type { LakeZone } from "../load/lake-paths.js";
import type { StorageClients } from "../storage/clients.js";
import { curatedRowCount, jsonlLines } from "./curated-files.js";
import { listLakeFiles, type LakeFile } from "./lake-listing.js";

/**
 * `etl summary`: what the lake holds, per collection and zone, from listings plus cheap reads:
 * curated rows from each Parquet footer (two range reads a file), quarantine rows by line (small by
 * design). Raw rows are not counted: that would download the zone (curated + placement quarantine is
 * what raw holds, once per version).
 */
export interface ZoneSummary {
  collection: string;
  zone: LakeZone;
  days: number;
  files: number;
  bytes: number;
  rows: number | null;
  /** Files under SMALL_FILE_BYTES in partitions holding more than one file: what compaction merges. */
  smallFiles: number;
  /** Partitions holding more than one file. */
  uncompactedDays: number;
  oldest: string | null;
  newest: string | null;
  perDay: { day: string; files: number; bytes: number; smallFiles: number }[];
}

export const SMALL_FILE_BYTES = 8 * 1024 * 1024;

export async function summariseLake(deps: { config: Config; storage: StorageClients }, options: { collections?: readonly string[] } = {}): Promise<ZoneSummary[]> {
  const out: ZoneSummary[] = [];
  for (const spec of collections.filter((c) => !options.collections || options.collections.includes(c.name))) {
    for (const zone of ["raw", "curated", "quarantine"] as const) {
      const container = deps.storage.lake.getContainerClient(deps.config.containers[zone]);
      const files = await listLakeFiles(container, spec.name);
      let rows: number | null = null;
      if (zone === "curated") rows = (await Promise.all(files.map((f) => curatedRowCount(container.getBlobClient(f.name), f.bytes)))).reduce((a, b) => a + b, 0);
      if (zone === "quarantine") rows = (await Promise.all(files.map(async (f) => (await jsonlLines(container.getBlobClient(f.name))).length))).reduce((a, b) => a + b, 0);
      out.push(zoneSummary(spec.name, zone, files, rows));
    }
  }
  return out;
}

function zoneSummary(collection: string, zone: LakeZone, files: LakeFile[], rows: number | null): ZoneSummary {
  const byDay = new Map<string, LakeFile[]>();
  for (const f of files) byDay.set(f.day, [...(byDay.get(f.day) ?? []), f]);
  const perDay = [...byDay].sort(([a], [b]) => a.localeCompare(b)).map(([day, fs]) => ({
    day,
    files: fs.length,
    bytes: fs.reduce((s, f) => s + f.bytes, 0),
    smallFiles: fs.length > 1 ? fs.filter((f) => f.bytes < SMALL_FILE_BYTES).length : 0,
  }));
  return {
    collection,
    zone,
    days: perDay.length,
    files: files.length,
    bytes: files.reduce((s, f) => s + f.bytes, 0),
    rows,
    smallFiles: perDay.reduce((s, d) => s + d.smallFiles, 0),
    uncompactedDays: perDay.filter((d) => d.files > 1).length,
    oldest: perDay[0]?.day ?? null,
    newest: perDay.at(-1)?.day ?? null,
    perDay,
  };
}

export function formatSummaryTable(zones: readonly ZoneSummary[]): string {
  const header = ["COLLECTION", "ZONE", "DAYS", "FILES", "BYTES", "ROWS", "SMALL FILES", "DAYS >1 FILE", "OLDEST", "NEWEST"];
  const rows = zones.map((z) => [z.collection, z.zone, String(z.days), String(z.files), formatBytes(z.bytes), z.rows === null ? "-" : String(z.rows), String(z.smallFiles), String(z.uncompactedDays), z.oldest ?? "-", z.newest ?? "-"]);
  const numeric = new Set([2, 3, 4, 5, 6, 7]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return `${[line(header), ...rows.map(line)].join("\n")}\n\nSmall files: under ${formatBytes(SMALL_FILE_BYTES)} in a day holding several files (the nightly compaction merges them). Raw rows are not counted (it would download the zone).\n`;
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}
