import type { Document } from "mongodb";
import type { CollectionSpec } from "../collections/spec.js";
import { PartitionFiles, type FileWritten, type LakeTarget } from "../load/partition-files.js";
import type { Logger } from "../log.js";
import { errorText } from "../telemetry/error-text.js";
import { describeId, hasUnreadableDate, toRawLine } from "../transform/bson-values.js";
import { curate } from "../transform/curated-row.js";

/** What one partition's replacement holds. */
export interface DayCounts {
  /** Documents of the day now in the lake: raw lines plus untimed quarantine lines. */
  documents: number;
  rawRows: number;
  curatedRows: number;
  quarantined: number;
  notes: Record<string, number>;
}

export function emptyCounts(): DayCounts {
  return { documents: 0, rawRows: 0, curatedRows: 0, quarantined: 0, notes: {} };
}

/**
 * Which zones a sink writes. A rewrite from raw keeps raw and quarantine as they are (`raw: false`,
 * `quarantine: false`): a document failing the transform is then only counted, its quarantine line
 * already exists from the run that first read it.
 */
export interface SinkZones {
  raw: boolean;
  quarantine: boolean;
}

/**
 * Reads a document again with its dates exact (lib/rewrite/mongo-source.ts exactDocument): the
 * driver turns a BSON date outside the JS range into an Invalid Date, which raw cannot hold.
 */
export type Reread = (doc: Document) => Promise<Document | undefined>;

export interface SinkOptions {
  zones?: SinkZones;
  /** Given by sources that read MongoDB; without it such a document's raw line keeps the Invalid Date. */
  reread?: Reread;
}

/**
 * The one place a document becomes lake files for a partition: raw line → curate → curated row or
 * quarantine line, with counts. Every rewrite (rebuild, re-score, change capture, purge, erasure,
 * reconcile) goes through it, so they all curate exactly as the others do.
 */
export class DocumentSink {
  readonly counts = emptyCounts();
  private readonly files: PartitionFiles;
  private readonly zones: SinkZones;

  constructor(
    target: LakeTarget,
    private readonly spec: CollectionSpec,
    readonly day: string,
    readonly fileId: string,
    private readonly log: Logger,
    private readonly options: SinkOptions = {},
  ) {
    this.files = new PartitionFiles(target, spec, day, fileId);
    this.zones = options.zones ?? { raw: true, quarantine: true };
  }

  /**
   * A document with a usable createdAt: raw line (when the sink writes raw), then curated or
   * quarantine. Returns the document as raw holds it (re-read when its dates needed it), or
   * undefined when it could not be written as a raw line and went to quarantine instead.
   */
  async write(doc: Document): Promise<Document | undefined> {
    this.counts.documents++;
    let kept = doc;
    if (this.zones.raw) {
      const raw = await this.rawLine(doc);
      if ("unwritable" in raw) {
        await this.reject(doc, raw.unwritable, this.zones.quarantine);
        return undefined;
      }
      kept = raw.doc;
      await this.files.writeRawLine(raw.line);
    }
    this.counts.rawRows++;
    await this.curate(kept, this.zones.quarantine);
    return kept;
  }

  /** A raw line only: a version that is history, or whose curated row is decided elsewhere. Same return as `write`. */
  async recordRaw(doc: Document): Promise<Document | undefined> {
    const raw = await this.rawLine(doc);
    if ("unwritable" in raw) {
      await this.reject(doc, raw.unwritable, this.zones.quarantine);
      return undefined;
    }
    await this.files.writeRawLine(raw.line);
    this.counts.rawRows++;
    return raw.doc;
  }

  /**
   * The document's lossless line, as the hourly path makes it: an Invalid Date on the line means the
   * driver lost a date, so the document is read again exactly. A document Extended JSON cannot write
   * is this document's problem alone (quarantined); a failed re-read is MongoDB's (thrown).
   */
  private async rawLine(doc: Document): Promise<{ doc: Document; line: string } | { unwritable: string }> {
    type Serialised = { doc: Document; line: string } | { unwritable: string };
    const serialise = (d: Document): Serialised => {
      try {
        return { doc: d, line: toRawLine(d) };
      } catch (err) {
        return { unwritable: `cannot be written as Extended JSON: ${errorText(err)}` };
      }
    };
    const first = serialise(doc);
    if (!("line" in first) || !hasUnreadableDate(first.line)) return first;
    const exact = this.options.reread ? await this.options.reread(doc) : undefined;
    if (!exact) {
      this.log.warn(`Doc ${describeId(doc._id)} holds a date outside the JavaScript range and this source cannot re-read it exactly; its raw line says NaN there`);
      return first;
    }
    return serialise(exact);
  }

  /** A curated row; a document failing the transform is quarantined when `quarantineRejected`, else counted. */
  async curate(doc: Document, quarantineRejected: boolean): Promise<void> {
    const curation = curate(this.spec, doc, this.fileId);
    if ("rejected" in curation) {
      await this.reject(doc, curation.rejected, quarantineRejected);
      return;
    }
    try {
      await this.files.writeCurated(curation.row);
    } catch (err) {
      await this.reject(doc, `curated row cannot be written: ${errorText(err)}`, quarantineRejected);
      return;
    }
    this.counts.curatedRows++;
    if (curation.note) this.counts.notes[curation.note] = (this.counts.notes[curation.note] ?? 0) + 1;
  }

  /** A document that cannot be placed (no usable createdAt): quarantine only. */
  async quarantine(doc: Document, reason: string): Promise<void> {
    this.counts.documents++;
    await this.reject(doc, reason, this.zones.quarantine);
  }

  /** Lines copied unchanged from an earlier file of the partition (purge, erasure). */
  async copyRawLine(line: string): Promise<void> {
    await this.files.writeRawLine(line);
    this.counts.rawRows++;
  }

  async copyQuarantineLine(line: string): Promise<void> {
    await this.files.writeQuarantineLine(line);
    this.counts.quarantined++;
  }

  private async reject(doc: Document, reason: string, write: boolean): Promise<void> {
    this.counts.quarantined++;
    if (!write) return;
    this.log.warn(`Skipping doc ${describeId(doc._id)}: ${reason}`);
    await this.files.writeQuarantine(doc, reason);
  }

  close(): Promise<FileWritten[]> {
    return this.files.close();
  }

  abort(err: unknown): Promise<void> {
    return this.files.abort(err instanceof Error ? err : new Error(String(err)));
  }
}

/** Feeds `fill` into a sink and closes it; on any failure nothing it started becomes visible. */
export async function fillSink(sink: DocumentSink, fill: (sink: DocumentSink) => Promise<void>): Promise<{ counts: DayCounts; written: FileWritten[] }> {
  try {
    await fill(sink);
    return { counts: sink.counts, written: await sink.close() };
  } catch (err) {
    await sink.abort(err);
    throw err;
  }
}
