import { BSON, type Document } from "mongodb";
import { toRawLine } from "../transform/bson-values.js";

/**
 * Raw is the history of a partition: every version of a document seen there, once per (_id, change
 * time), and tombstones. A tombstone is a raw line `{"_id": …, "_etl_tombstone": {…}}` saying the
 * document is no longer in this partition as of `version`:
 * - `deleted`: reconciliation found it gone from MongoDB (`version` = when that was found);
 * - `moved`: its createdAt now falls on another day (`movedTo`; `version` = the change time of the
 *   version that moved);
 * - `excluded`: reconciliation found it in MongoDB but no longer owned by this partition's curated
 *   state (a tester's, or its createdAt no longer a date).
 * The current state of a partition is, per _id, its newest line by version; a tombstone wins a tie.
 */
export const TOMBSTONE_FIELD = "_etl_tombstone";

export type TombstoneReason = "deleted" | "moved" | "excluded";

export interface Tombstone {
  reason: TombstoneReason;
  /** Change time the tombstone supersedes up to (inclusive). */
  version: Date;
  /** When the ETL wrote it. */
  at: Date;
  movedTo?: string;
}

export function tombstoneLine(id: unknown, tombstone: Tombstone): string {
  return toRawLine({ _id: id, [TOMBSTONE_FIELD]: { ...tombstone } } as Document);
}

/** A raw line's identity and version, read without decoding the whole document. */
export interface LineKey {
  /** Canonical Extended JSON of the _id: equal ids give equal text. */
  id: string;
  /** Change time in ms; -Infinity for a document without the change field. */
  version: number;
  tombstone: boolean;
}

function dateMs(value: unknown): number | undefined {
  if (!value || typeof value !== "object" || !("$date" in value)) return undefined;
  const d = (value as { $date: unknown }).$date;
  if (typeof d === "string") return Date.parse(d);
  if (typeof d === "number") return d;
  if (d && typeof d === "object" && "$numberLong" in d) return Number((d as { $numberLong: string }).$numberLong);
  return undefined;
}

export function lineKey(line: string, changeField: string): LineKey {
  const value = JSON.parse(line) as Record<string, unknown>;
  const id = JSON.stringify(value._id);
  const tomb = value[TOMBSTONE_FIELD] as Record<string, unknown> | undefined;
  if (tomb) return { id, version: dateMs(tomb.version) ?? Number.POSITIVE_INFINITY, tombstone: true };
  return { id, version: dateMs(value[changeField]) ?? Number.NEGATIVE_INFINITY, tombstone: false };
}

/**
 * The key of the line `toRawLine(doc)` would give, without writing it: equal to that line's
 * `lineKey` (a date outside the JS range keeps its exact milliseconds through OutOfRangeDate).
 */
export function documentKey(doc: Document, changeField: string): LineKey {
  const value = doc[changeField] as unknown;
  return { id: idText(doc._id), version: value instanceof Date ? Number(value.getTime()) : Number.NEGATIVE_INFINITY, tombstone: false };
}

/**
 * What raw holds once: a version per (_id, change time), a tombstone per (_id, version). A tombstone
 * and a version of the same time are two lines, so they have two keys.
 */
export const historyKey = (key: LineKey) => `${key.id}@${key.version}${key.tombstone ? "!" : ""}`;

/** The _id a LineKey's `id` text stands for, decoded as the driver would give it. */
export function idFromText(text: string): unknown {
  return (BSON.EJSON.parse(`{"v":${text}}`, { relaxed: false }) as { v: unknown }).v;
}

/** True when `candidate` replaces `current` as a document's newest line. */
export function isNewer(candidate: LineKey, current: LineKey): boolean {
  if (candidate.version !== current.version) return candidate.version > current.version;
  return candidate.tombstone && !current.tombstone;
}

export function parseRawLine(line: string): Document {
  return BSON.EJSON.parse(line, { relaxed: false }) as Document;
}

/** Canonical id text of a decoded document (matches LineKey.id). */
export function idText(id: unknown): string {
  return JSON.stringify(JSON.parse(toRawLine({ _id: id } as Document))._id);
}
