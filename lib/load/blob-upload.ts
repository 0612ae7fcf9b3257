import { PassThrough } from "node:stream";
import type { BlockBlobClient } from "@azure/storage-blob";

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

export function startUpload(blob: BlockBlobClient, contentType: string): StreamingUpload {
  const stream = new PassThrough({ highWaterMark: BUFFER_BYTES });
  const done = blob
    .uploadStream(stream, BUFFER_BYTES, 2, { blobHTTPHeaders: { blobContentType: contentType } })
    .then(() => undefined);
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
