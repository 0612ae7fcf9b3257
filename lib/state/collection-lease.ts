import { RestError, type BlobLeaseClient, type ContainerClient } from "@azure/storage-blob";

/**
 * One writer per collection: a blob lease on `{locks}/{collection}`. The lease is renewed while
 * the run works; if the process dies it expires after `leaseSeconds` and the next run takes over.
 */
export interface HeldLease {
  /** False once a renewal failed: the run must not commit. */
  readonly held: boolean;
  release(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function isLeaseConflict(err: unknown): boolean {
  return err instanceof RestError && err.statusCode === 409;
}

export async function acquireCollectionLease(
  locks: ContainerClient,
  name: string,
  leaseSeconds: number,
  waitMs: number,
): Promise<HeldLease | undefined> {
  const blob = locks.getBlockBlobClient(name);
  if (!(await blob.exists())) {
    await blob.upload("", 0).catch((err: unknown) => {
      if (!isLeaseConflict(err)) throw err; // someone else holds it already
    });
  }
  const deadline = Date.now() + waitMs;
  let leaseClient: BlobLeaseClient;
  for (;;) {
    leaseClient = blob.getBlobLeaseClient();
    try {
      await leaseClient.acquireLease(leaseSeconds);
      break;
    } catch (err) {
      if (!isLeaseConflict(err)) throw err;
      if (Date.now() >= deadline) return undefined;
      await sleep(Math.min(2000, Math.max(100, deadline - Date.now())));
    }
  }
  let held = true;
  const timer = setInterval(
    () => {
      leaseClient.renewLease().catch(() => {
        held = false;
      });
    },
    (leaseSeconds * 1000) / 3,
  );
  timer.unref();
  return {
    get held() {
      return held;
    },
    release: async () => {
      clearInterval(timer);
      await leaseClient.releaseLease().catch(() => undefined);
    },
  };
}
