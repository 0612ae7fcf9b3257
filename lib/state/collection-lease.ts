import { RestError, type BlobLeaseClient, type ContainerClient } from "@azure/storage-blob";

/**
 * One writer per collection: a blob lease on `{locks}/{collection}`. The lease is renewed while
 * the run works; if the process dies it expires after `leaseSeconds` and the next run takes over.
 */
export interface HeldLease {
  /**
   * True only while this process can prove the lease is still its own: the service has refused
   * no renewal, and the last successful renewal was requested recently enough that the lease cannot have
   * expired at the service before the next storage call (bounded by `callBoundMs`) completes.
   */
  readonly held: boolean;
  /** Throws (LeaseLostError) unless `held`: asked before every commit and delete. */
  assertHeld(): void;
  release(): Promise<void>;
}

export class LeaseLostError extends Error {
  constructor(name: string) {
    super(`Lost the lease on ${name} (refused, or not renewed in time); stopped writing, nothing more is committed; the next run replays`);
    this.name = "LeaseLostError";
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function isLeaseConflict(err: unknown): boolean {
  return err instanceof RestError && err.statusCode === 409;
}

/** An HTTP answer from the service (409 lease mismatch, 412…), not a timeout or a dropped connection. */
function isServiceAnswer(err: unknown): boolean {
  return err instanceof RestError && typeof err.statusCode === "number" && err.statusCode > 0;
}

export interface LeaseOptions {
  /** Upper bound of one storage call (every try, with retries); the lease must outlast it. */
  callBoundMs?: number;
  /** Test seam: the clock the lease measures its own validity with. */
  monotonicNow?: () => number;
}

/**
 * The clock a lease measures its own validity with. The simulation (test/simulation/) replaces it
 * to make time pass for one writer (its lease then expires, as after a long pause or a hung call).
 */
let leaseClock: () => number = () => performance.now();
export function setLeaseClock(clock: (() => number) | undefined): void {
  leaseClock = clock ?? (() => performance.now());
}

export async function acquireCollectionLease(
  locks: ContainerClient,
  name: string,
  leaseSeconds: number,
  waitMs: number,
  options: LeaseOptions = {},
): Promise<HeldLease | undefined> {
  const now = options.monotonicNow ?? (() => leaseClock());
  const leaseMs = leaseSeconds * 1000;
  const callBoundMs = Math.min(options.callBoundMs ?? leaseMs / 3, leaseMs / 2);
  const renewEveryMs = leaseMs / 4;
  const blob = locks.getBlockBlobClient(name);
  if (!(await blob.exists())) {
    // Create-only: a writer racing us to create it may already hold a lease on it (412) or have
    // just created it (409); either way the blob exists and the lease loop below decides.
    await blob.upload("", 0, { conditions: { ifNoneMatch: "*" } }).catch((err: unknown) => {
      if (!(err instanceof RestError && (err.statusCode === 409 || err.statusCode === 412))) throw err;
    });
  }
  const deadline = Date.now() + waitMs;
  let leaseClient: BlobLeaseClient;
  let renewedAt: number;
  for (;;) {
    leaseClient = blob.getBlobLeaseClient();
    try {
      renewedAt = now(); // before the request: the service's clock starts later, never earlier
      await leaseClient.acquireLease(leaseSeconds, { abortSignal: AbortSignal.timeout(callBoundMs) });
      break;
    } catch (err) {
      if (!isLeaseConflict(err)) throw err;
      if (Date.now() >= deadline) return undefined;
      await sleep(Math.min(2000, Math.max(100, deadline - Date.now())));
    }
  }
  let lost = false;
  let released = false;
  const renew = async () => {
    if (lost || released) return;
    const started = now();
    try {
      await leaseClient.renewLease({ abortSignal: AbortSignal.timeout(renewEveryMs) });
      renewedAt = started;
    } catch (err) {
      // The service said no (another writer broke or took it): stop writing, never win it back.
      // A renewal that hung or hit a network error proves nothing either way: `held` already
      // turns false by time alone, and the next renewal may still succeed — the service renews an
      // expired lease only if nobody leased the blob since, so no other writer can have written.
      if (isServiceAnswer(err)) {
        lost = true;
        clearInterval(timer);
      }
    }
  };
  const timer = setInterval(() => void renew(), renewEveryMs);
  timer.unref();
  const isHeld = () => !lost && !released && now() + callBoundMs < renewedAt + leaseMs;
  return {
    get held() {
      return isHeld();
    },
    assertHeld() {
      if (!isHeld()) throw new LeaseLostError(name);
    },
    release: async () => {
      clearInterval(timer);
      if (released) return;
      released = true;
      if (!lost) await leaseClient.releaseLease({ abortSignal: AbortSignal.timeout(callBoundMs) }).catch(() => undefined);
    },
  };
}
