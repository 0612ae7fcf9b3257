import { createHash } from "node:crypto";
import type { Collection, Document, Filter } from "mongodb";
import { documentReadOptions } from "../extract/decode-document.js";
import { utcDay } from "../load/lake-paths.js";
import type { LakeTarget } from "../load/partition-files.js";
import type { DocumentSink } from "./document-sink.js";
import { documentKey, historyKey, idFromText, idText, isNewer, lineKey, tombstoneLine, type LineKey, type TombstoneReason } from "./raw-history.js";
import { zoneLines } from "./raw-source.js";

/**
 * A set of key texts held as 16-byte MD5 digests: ~53 bytes a key in V8 against ~245 for the
 * concatenated text (measured, 1M keys), so a day of a million raw lines costs ~50 MB, not 250.
 * Not a security use: a collision (~1e-27 at a million keys) would merely drop one line.
 */
export class KeySet {
  private readonly digests = new Set<string>();
  private static digest(text: string): string {
    return createHash("md5").update(text).digest().toString("latin1");
  }
  add(text: string): void {
    this.digests.add(KeySet.digest(text));
  }
  has(text: string): boolean {
    return this.digests.has(KeySet.digest(text));
  }
  get size(): number {
    return this.digests.size;
  }
  clear(): void {
    this.digests.clear();
  }
}

/**
 * What a rebuild from MongoDB wrote to its raw file: the ids it found on the day and the
 * (_id, change time) of each version it wrote. Keys only, never documents.
 */
export class CurrentVersions {
  readonly ids = new KeySet();
  readonly versions = new KeySet();

  constructor(private readonly changeField: string) {}

  /** Current versions of documents past the watermark: their insert window writes them. */
  readonly leftToWindow = new KeySet();

  /** A document past the watermark (only its _id and change field are needed). */
  leaveToWindow(doc: Document): void {
    this.leftToWindow.add(historyKey(documentKey(doc, this.changeField)));
  }

  /** `written` is the document as raw now holds it, undefined when it could only be quarantined. */
  add(doc: Document, written: Document | undefined): void {
    const key = documentKey(written ?? doc, this.changeField);
    this.ids.add(key.id);
    if (written) this.versions.add(historyKey(key));
  }
}

export interface HistoryInput {
  target: LakeTarget;
  /** The raw files the replacement supersedes (the snapshot's committed raw). */
  files: readonly string[];
  changeField: string;
  day: string;
  /** Where documents that left the day are looked up. */
  collection: Collection;
  now: Date;
}

export interface HistoryCarried {
  /** Older versions and tombstones copied from the superseded files. */
  lines: number;
  /** Lines not copied: a version MongoDB's copy already holds, or a line the files held twice. */
  duplicates: number;
  /** Lines not copied: the current version of a document past the watermark (its insert window writes it again). */
  leftToWindow: number;
  tombstones: Record<TombstoneReason, number>;
}

const LOOKUP_BATCH = 500;

/**
 * Raw is the lossless history (DESIGN "raw is the history"), so a day rebuilt from MongoDB keeps
 * every line its superseded raw files held — older versions and tombstones — each once per
 * (_id, change time), beside the current versions the rebuild just wrote (a version in both is
 * written once, MongoDB's copy). Lines stay on this day: each was placed by its own createdAt
 * (a move is a tombstone here plus a version on the new day), and history is never rewritten.
 *
 * A document whose newest line here is live but which MongoDB no longer places on this day gets the
 * tombstone reconcile would write (deleted / moved / excluded), so raw's newest line per _id agrees
 * with the curated file the rebuild wrote and a re-score never revives it. A document MongoDB still
 * has on this day but the rebuild left out (a tester's, which the purge removes with all its lines;
 * one past the watermark, which its insert window brings) gets none. Of a document past the
 * watermark (a watermark repaired back, a createdAt moved later in the day), the line of its current
 * version is left out: the insert window that owns it writes that version again.
 *
 * Streams the files once; memory holds keys (digests, see KeySet): two per document MongoDB gave,
 * one per line copied, and the id of each departed document.
 */
export async function carryHistory(sink: DocumentSink, input: HistoryInput, current: CurrentVersions): Promise<HistoryCarried> {
  const carried: HistoryCarried = { lines: 0, duplicates: 0, leftToWindow: 0, tombstones: { deleted: 0, moved: 0, excluded: 0 } };
  const seen = new KeySet();
  /** Newest line of each document the rebuild did not find on the day. */
  const departed = new Map<string, LineKey>();
  for await (const { line } of zoneLines(input.target, "raw", input.files)) {
    const key = lineKey(line, input.changeField);
    const text = historyKey(key);
    if (current.versions.has(text) || seen.has(text)) {
      carried.duplicates++;
      continue;
    }
    if (current.leftToWindow.has(text)) {
      carried.leftToWindow++;
      continue;
    }
    seen.add(text);
    await sink.copyRawLine(line);
    carried.lines++;
    if (current.ids.has(key.id)) continue;
    const newest = departed.get(key.id);
    if (!newest || isNewer(key, newest)) departed.set(key.id, key);
  }
  seen.clear();

  const live = [...departed.values()].filter((key) => !key.tombstone);
  for (let i = 0; i < live.length; i += LOOKUP_BATCH) {
    const batch = live.slice(i, i + LOOKUP_BATCH);
    const now = await whereNow(input.collection, batch.map((key) => idFromText(key.id)));
    for (const key of batch) {
      const reason = departure(now.get(key.id), input.day);
      if (!reason) continue;
      const version = new Date(Number.isFinite(key.version) ? Math.max(key.version, input.now.getTime()) : input.now.getTime());
      await sink.copyRawLine(tombstoneLine(idFromText(key.id), { version, at: input.now, ...reason }));
      carried.tombstones[reason.reason]++;
    }
  }
  return carried;
}

/** `{_id, createdAt}` of each id MongoDB still holds, by id text. */
async function whereNow(collection: Collection, ids: unknown[]): Promise<Map<string, Document>> {
  const found = new Map<string, Document>();
  const cursor = collection.find({ _id: { $in: ids } } as Filter<Document>, { projection: { _id: 1, createdAt: 1 }, ...documentReadOptions });
  for await (const doc of cursor) found.set(idText(doc._id), doc);
  return found;
}

/** Why a document is no longer on `day`, from what MongoDB holds now (nothing: deleted); undefined when it still is. */
export function departure(now: Document | undefined, day: string): { reason: TombstoneReason; movedTo?: string } | undefined {
  if (!now) return { reason: "deleted" };
  const createdAt: unknown = now.createdAt;
  if (!(createdAt instanceof Date) || Number.isNaN(createdAt.getTime())) return { reason: "excluded" };
  const placed = utcDay(createdAt);
  return placed === day ? undefined : { reason: "moved", movedTo: placed };
}
