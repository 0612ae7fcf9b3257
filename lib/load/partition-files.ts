import type { BlobServiceClient } from "@azure/storage-blob";
import { BSON, type Document } from "mongodb";
import { curatedColumns, type CollectionSpec } from "../collections/spec.js";
import type { CuratedRow } from "../transform/curated-row.js";
import { toRawLine } from "../transform/bson-values.js";
import { commitConditions, startUpload, type CommitMode, type StreamingUpload } from "./blob-upload.js";
import { displayPath, lakeBlobName, type LakeZone } from "./lake-paths.js";
import { FlatParquetWriter } from "./parquet-rows.js";
import { parquetSchema, type Compression } from "./parquet-schema.js";

export interface LakeTarget {
  lake: BlobServiceClient;
  containers: Record<LakeZone, string>;
  compression: Compression;
  /** How commits are fenced (default `replace`: over the version seen; fresh hourly windows use `create`). */
  commitMode?: CommitMode;
  /** Throws when the writer may no longer write (its lease is gone); asked before every commit. */
  fence?: () => void;
}

export interface FileWritten {
  zone: LakeZone;
  container: string;
  blobName: string;
  path: string;
  count: number;
}

const RAW_SLICE_CHARS = 256 * 1024;

/**
 * The raw, curated and quarantine files of one (collection, day, fileId). Each file is opened on
 * its first record, streamed to its blob, and committed on close; nothing is visible before.
 */
export class PartitionFiles {
  private raw?: { upload: StreamingUpload; count: number; lines: string[]; bytes: number };
  private curated?: { upload: StreamingUpload; writer: FlatParquetWriter; count: number };
  private quarantine?: { upload: StreamingUpload; count: number };

  constructor(
    private readonly target: LakeTarget,
    private readonly spec: CollectionSpec,
    readonly day: string,
    readonly fileId: string,
  ) {}

  blobName(zone: LakeZone): string {
    return lakeBlobName(zone, this.spec.name, this.day, this.fileId);
  }

  private async open(zone: LakeZone, contentType: string): Promise<StreamingUpload> {
    const container = this.target.lake.getContainerClient(this.target.containers[zone]);
    const blob = container.getBlockBlobClient(this.blobName(zone));
    return startUpload(blob, contentType, await commitConditions(blob, this.target.commitMode ?? "replace"));
  }

  async writeRaw(doc: Document): Promise<void> {
    await this.writeRawLine(toRawLine(doc));
  }

  /** A document already serialised by toRawLine, or a line kept verbatim from an earlier file. */
  async writeRawLine(text: string): Promise<void> {
    this.raw ??= { upload: await this.open("raw", "application/x-ndjson"), count: 0, lines: [], bytes: 0 };
    const line = text + "\n";
    this.raw.lines.push(line);
    this.raw.bytes += line.length;
    this.raw.count++;
    // Lines go to the upload in ~256 KB slices: one stream write per slice, not per document.
    if (this.raw.bytes >= RAW_SLICE_CHARS) await this.flushRaw();
  }

  private async flushRaw(): Promise<void> {
    if (!this.raw || this.raw.lines.length === 0) return;
    const chunk = this.raw.lines.join("");
    this.raw.lines = [];
    this.raw.bytes = 0;
    await this.raw.upload.write(chunk);
  }

  async writeCurated(row: CuratedRow): Promise<void> {
    if (!this.curated) {
      const upload = await this.open("curated", "application/vnd.apache.parquet");
      const schema = parquetSchema(curatedColumns(this.spec), this.target.compression);
      const writer = await FlatParquetWriter.openStream(schema, upload.stream, { rowGroupSize: 5000 });
      this.curated = { upload, writer, count: 0 };
    }
    await this.curated.writer.appendRow(row);
    this.curated.count++;
  }

  async writeQuarantine(doc: Document, reason: string): Promise<void> {
    this.quarantine ??= { upload: await this.open("quarantine", "application/x-ndjson"), count: 0 };
    const line = quarantineLine(this.spec.name, this.fileId, doc, reason);
    await this.quarantine.upload.write(line + "\n");
    this.quarantine.count++;
  }

  async writeQuarantineLine(line: string): Promise<void> {
    this.quarantine ??= { upload: await this.open("quarantine", "application/x-ndjson"), count: 0 };
    await this.quarantine.upload.write(line + "\n");
    this.quarantine.count++;
  }

  /** Commits every open file; resolves once all are durable. */
  async close(): Promise<FileWritten[]> {
    const written: FileWritten[] = [];
    const record = (zone: LakeZone, count: number) => {
      const blobName = this.blobName(zone);
      written.push({ zone, container: this.target.containers[zone], blobName, path: displayPath(zone, blobName), count });
    };
    this.target.fence?.();
    await this.flushRaw();
    if (this.curated) await this.curated.writer.close(); // writes the footer and ends the stream
    await Promise.all([
      this.raw?.upload.finish(),
      this.curated?.upload.finish(),
      this.quarantine?.upload.finish(),
    ]);
    if (this.raw) record("raw", this.raw.count);
    if (this.curated) record("curated", this.curated.count);
    if (this.quarantine) record("quarantine", this.quarantine.count);
    return written;
  }

  async abort(error: Error): Promise<void> {
    await Promise.all([this.raw?.upload.abort(error), this.curated?.upload.abort(error), this.quarantine?.upload.abort(error)]);
  }
}

/**
 * One quarantine line: the document in canonical Extended JSON with the reason. A document that
 * cannot be serialised at all keeps its _id and the serialiser's complaint, so it is still counted.
 */
export function quarantineLine(collection: string, fileId: string, doc: Document, reason: string): string {
  try {
    return BSON.EJSON.stringify({ reason, collection, fileId, doc }, { relaxed: false });
  } catch (err) {
    const unreadable = err instanceof Error ? err.message : String(err);
    return BSON.EJSON.stringify({ reason, collection, fileId, doc: { _id: doc._id }, unreadable }, { relaxed: false });
  }
}
