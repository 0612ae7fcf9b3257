import type { ContainerClient } from "@azure/storage-blob";
import { acquireCollectionLease, type HeldLease } from "../state/collection-lease.js";

/**
 * One rewriter per (collection, day): every rewrite (backfill chunk, change pass, purge, erasure,
 * reconcile) holds this lease while it snapshots, writes and retires, so two rewrites of the same
 * partition never both swap in (which would double it) or retire each other's files. The name
 * predates the rewrite stage and is kept so running workers of an older version still exclude.
 */
export function partitionLockName(collection: string, day: string): string {
  return `backfill-${collection}-${day}`;
}

export class PartitionBusyError extends Error {
  constructor(collection: string, day: string, holder: string) {
    super(`Another rewrite holds ${collection} ${day} (its lock is held); ${holder} is retried later`);
    this.name = "PartitionBusyError";
  }
}

/** Waits long enough to outlast the lease of a holder that died. */
export async function lockPartition(locks: ContainerClient, collection: string, day: string, leaseSeconds: number): Promise<HeldLease | undefined> {
  return acquireCollectionLease(locks, partitionLockName(collection, day), leaseSeconds, leaseSeconds * 1000 + 5_000);
}
