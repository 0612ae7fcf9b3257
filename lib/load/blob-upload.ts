import { PassThrough } from "node:stream";
import { RestError, type BlobRequestConditions, type BlockBlobClient } from "@azure/storage-blob";

/**
 * A streaming block-blob upload. Blocks are staged as data arrives and committed in one
 * commitBlockList at the end, so readers see the whole file or nothing.
 */
export interface StreamingUpload {
  stream: PassThrough;
  /** Writes a chunk, waiting while the upload is behind (bounded memory). */
  write(chunk: string | Buffer): Promise<void>;
  /** Ends the stream and resolves once the blob is committed. */
  finish(): Promise<void>;
  /** Stops without committing; staged blocks expire unseen. */
  abort(error: Error): Promise<void>;
}

const BUFFER_BYTES = 4 * 1024 * 1024;

/**
 * How a commit is fenced: `create` lands only if no blob has the name (ifNoneMatch *); `replace`
 * lands only over the exact version the writer looked at (ifMatch its ETag, or create when there
 * was none). A writer that lost its lease therefore never replaces a file another writer landed.
 */
export type CommitMode = "create" | "replace";

export class FencedCommitError extends Error {
  constructor(blobName: string, cause: unknown) {
    super(`${blobName} changed under this writer (another run landed it); not overwritten: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "FencedCommitError";
  }
}

export async function commitConditions(blob: BlockBlobClient, mode: CommitMode): Promise<BlobRequestConditions> {
  if (mode === "create") return { ifNoneMatch: "*" };
  try {
    const { etag } = await blob.getProperties();
    return etag ? { ifMatch: etag } : { ifNoneMatch: "*" };
  } catch (err) {
    if (err instanceof RestError && err.statusCode === 404) return { ifNoneMatch: "*" };
    throw err;
  }
}

export function isConditionFailure(err: unknown): boolean {
  return err instanceof RestError && (err.statusCode === 409 || err.statusCode === 412);
}

export function startUpload(blob: BlockBlobClient, contentType: string, conditions: BlobRequestConditions = {}): StreamingUpload {
  const stream = new PassThrough({ highWaterMark: BUFFER_BYTES });
  const done = blob
    .uploadStream(stream, BUFFER_BYTES, 2, { blobHTTPHeaders: { blobContentType: contentType }, conditions })
    .then(() => undefined)
    .catch((err: unknown) => {
      throw isConditionFailure(err) ? new FencedCommitError(blob.name, err) : err;
    });
  // Surface upload failures at finish(); avoid an unhandled rejection meanwhile.
  done.catch(() => undefined);
  return {
    stream,
    write: (chunk) =>
      new Promise<void>((resolve, reject) => {
        stream.write(chunk, (err) => (err ? reject(err) : resolve()));
      }),
    finish: async () => {
      stream.end();
      return done;
    },
    abort: async (error) => {
      stream.destroy(error);
      await done.catch(() => undefined);
    },
  };
}
