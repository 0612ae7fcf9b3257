import { createHash } from "node:crypto";
import { BSON, type Document } from "mongodb";
import { isConditionFailure } from "./blob-upload.js";
import { displayPath, lakeBlobName, partitionPrefix } from "./lake-paths.js";
import type { FileWritten, LakeTarget } from "./partition-files.js";
import { quarantineLine } from "./partition-files.js";

/**
 * Documents with neither a usable createdAt nor an ObjectId _id carry no time at all, so no window
 * can own them. Each is quarantined in its own file, named by a hash of its _id, in the epoch
 * partition (there is no day to give it): every window looks for them, and only the first lands
 * the file (create-only commit), so each is in the lake exactly once whatever crashes or replays.
 */
export const UNTIMED_DAY = "1970-01-01";

export function untimedFileId(id: unknown): string {
  const key = BSON.EJSON.stringify({ id }, { relaxed: false });
  return `untimed_${createHash("sha256").update(key).digest("hex").slice(0, 24)}`;
}

/** Names already in the lake for `collection`: one listing per window, so a seen document costs nothing. */
export async function listUntimedFiles(target: LakeTarget, collection: string): Promise<Set<string>> {
  const names = new Set<string>();
  const container = target.lake.getContainerClient(target.containers.quarantine);
  for await (const blob of container.listBlobsFlat({ prefix: `${partitionPrefix(collection, UNTIMED_DAY)}${collection}_untimed_` })) names.add(blob.name);
  return names;
}

/** Writes the document's file unless it exists; undefined when it was already there. */
export async function writeUntimedOnce(
  target: LakeTarget,
  collection: string,
  doc: Document,
  reason: string,
  existing: Set<string>,
): Promise<FileWritten | undefined> {
  const fileId = untimedFileId(doc._id);
  const blobName = lakeBlobName("quarantine", collection, UNTIMED_DAY, fileId);
  if (existing.has(blobName)) return undefined;
  const body = quarantineLine(collection, fileId, doc, reason) + "\n";
  target.fence?.();
  const blob = target.lake.getContainerClient(target.containers.quarantine).getBlockBlobClient(blobName);
  try {
    await blob.upload(body, Buffer.byteLength(body), { conditions: { ifNoneMatch: "*" }, blobHTTPHeaders: { blobContentType: "application/x-ndjson" } });
  } catch (err) {
    if (isConditionFailure(err)) return undefined; // landed by an earlier window meanwhile
    throw err;
  }
  existing.add(blobName);
  return { zone: "quarantine", container: target.containers.quarantine, blobName, path: displayPath("quarantine", blobName), count: 1 };
}
