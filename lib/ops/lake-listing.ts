import type { ContainerClient } from "@azure/storage-blob";

/** One lake file as listed: its partition and size, from the blob name and properties alone. */
export interface LakeFile {
  name: string;
  collection: string;
  day: string;
  bytes: number;
}

const PARTITIONED = /^([^/]+)\/date=(\d{4}-\d{2}-\d{2})\/[^/]+$/;

/** Every file of a zone under `{collection}/date=…/`, optionally only those days. */
export async function listLakeFiles(container: ContainerClient, collection: string, days?: ReadonlySet<string>): Promise<LakeFile[]> {
  const out: LakeFile[] = [];
  for await (const blob of container.listBlobsFlat({ prefix: `${collection}/date=` })) {
    const match = PARTITIONED.exec(blob.name);
    if (!match || match[1] !== collection || (days && !days.has(match[2]!))) continue;
    out.push({ name: blob.name, collection, day: match[2]!, bytes: blob.properties.contentLength ?? 0 });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
