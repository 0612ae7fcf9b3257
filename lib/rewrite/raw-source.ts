import { createInterface } from "node:readline";
import type { Document } from "mongodb";
import type { LakeTarget } from "../load/partition-files.js";
import { isNewer, lineKey, parseRawLine, type LineKey } from "./raw-history.js";

/** Lines of a partition's files in one zone, in the order given. */
export async function* zoneLines(target: LakeTarget, zone: "raw" | "quarantine", blobNames: readonly string[]): AsyncGenerator<{ file: number; line: string }> {
  const container = target.lake.getContainerClient(target.containers[zone]);
  for (let file = 0; file < blobNames.length; file++) {
    const name = blobNames[file]!;
    const download = await container.getBlobClient(name).download();
    if (!download.readableStreamBody) throw new Error(`${zone}/${name} has no body`);
    const lines = createInterface({ input: download.readableStreamBody, crlfDelay: Infinity });
    for await (const line of lines) if (line) yield { file, line };
  }
}

export interface RawState {
  /** Newest line per document id (tombstones included). */
  newest: Map<string, LineKey & { file: number; index: number }>;
  /** Every (id, version) the files hold: a version already there is never written twice. */
  versions: Set<string>;
  lines: number;
}

export const versionText = (key: LineKey) => `${key.id}@${key.version}`;

/** First pass: which line of the files is each document's current state. Holds keys, not documents. */
export async function readRawState(target: LakeTarget, blobNames: readonly string[], changeField: string): Promise<RawState> {
  const state: RawState = { newest: new Map(), versions: new Set(), lines: 0 };
  let index = 0;
  for await (const { file, line } of zoneLines(target, "raw", blobNames)) {
    const key = lineKey(line, changeField);
    state.versions.add(versionText(key));
    const current = state.newest.get(key.id);
    if (!current || isNewer(key, current)) state.newest.set(key.id, { ...key, file, index });
    index++;
    state.lines++;
  }
  return state;
}

/**
 * A partition's documents as raw holds them now: the newest version of each, tombstoned ones left
 * out, then `keep` applied. Two passes over the files (keys, then the chosen lines), so memory holds
 * one key per document, not the documents.
 */
export async function* currentRawDocuments(
  target: LakeTarget,
  blobNames: readonly string[],
  changeField: string,
  keep: (doc: Document) => boolean = () => true,
  state?: RawState,
): AsyncGenerator<Document> {
  const known = state ?? (await readRawState(target, blobNames, changeField));
  const chosen = new Set<number>();
  for (const entry of known.newest.values()) if (!entry.tombstone) chosen.add(entry.index);
  let index = 0;
  for await (const { line } of zoneLines(target, "raw", blobNames)) {
    if (chosen.has(index++)) {
      const doc = parseRawLine(line);
      if (keep(doc)) yield doc;
    }
  }
}
