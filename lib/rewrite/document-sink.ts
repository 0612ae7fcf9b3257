import type { Document } from "mongodb";
import type { CollectionSpec } from "../collections/spec.js";
import { PartitionFiles, type FileWritten, type LakeTarget } from "../load/partition-files.js";
import type { Logger } from "../log.js";
import { describeId } from "../transform/bson-values.js";
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
 * The one place a document becomes lake files for a partition: raw line → curate → curated row or
 * quarantine line, with counts. Every rewrite (rebuild, re-score, change capture, purge, erasure,
 * reconcile) goes through it, so they all curate exactly as the others do.
 */
export class DocumentSink {
  readonly counts = emptyCounts();
  private readonly files: PartitionFiles;

  constructor(
    target: LakeTarget,
    private readonly spec: CollectionSpec,
    readonly day: string,
    readonly fileId: string,
    private readonly log: Logger,
    private readonly zones: SinkZones = { raw: true, quarantine: true },
  ) {
    this.files = new PartitionFiles(target, spec, day, fileId);
  }

  /** A document with a usable createdAt: raw line (when the sink writes raw), then curated or quarantine. */
  async write(doc: Document): Promise<void> {
    this.counts.documents++;
    if (this.zones.raw) await this.files.writeRaw(doc);
    this.counts.rawRows++;
    await this.curate(doc, this.zones.quarantine);
  }

  /** A raw line only: a version that is history, or whose curated row is decided elsewhere. */
  async recordRaw(doc: Document): Promise<void> {
    await this.files.writeRaw(doc);
    this.counts.rawRows++;
  }

  /** A curated row; a document failing the transform is quarantined when `quarantineRejected`, else counted. */
  async curate(doc: Document, quarantineRejected: boolean): Promise<void> {
    const curation = curate(this.spec, doc, this.fileId);
    if ("rejected" in curation) {
      await this.reject(doc, curation.rejected, quarantineRejected);
      return;
    }
    await this.files.writeCurated(curation.row);
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
