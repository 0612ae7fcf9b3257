import { BlobServiceClient } from "@azure/storage-blob";
import { ObjectId } from "mongodb";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { getCollection } from "../../lib/collections/index.js";
import { FencedCommitError } from "../../lib/load/blob-upload.js";
import { PartitionFiles, type LakeTarget } from "../../lib/load/partition-files.js";
import { acquireCollectionLease, LeaseLostError } from "../../lib/state/collection-lease.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";
import { startFaultProxy, type FaultProxy } from "../simulation/fault-proxy.js";

const messages = getCollection("messages");
const doc = () => ({ _id: new ObjectId(), userId: new ObjectId(), category: "system", createdAt: new Date("2026-03-20T10:00:00Z") });

describe("a writer that lost its lease (defect 4)", () => {
  let stack: TestStack;
  beforeEach(async () => {
    stack = await createTestStack("lease");
  });
  afterEach(async () => stack.close());
  afterAll(closeTestClients);

  const target = (fence?: () => void, commitMode?: LakeTarget["commitMode"]): LakeTarget => ({
    lake: stack.ctx.storage.lake,
    containers: { raw: stack.config.containers.raw, curated: stack.config.containers.curated, quarantine: stack.config.containers.quarantine },
    compression: "SNAPPY",
    fence,
    commitMode,
  });

  it("stops holding once its own clock passes the last renewal's lease, before the service could expire it, and lands nothing", async () => {
    let clock = 0;
    const locks = stack.ctx.storage.stateBlobs.getContainerClient(stack.config.containers.locks);
    const lease = (await acquireCollectionLease(locks, "messages", 15, 0, { callBoundMs: 3_000, monotonicNow: () => clock }))!;
    expect(lease.held).toBe(true);
    clock = 11_000; // 15 s lease − 3 s call bound: a call started now might end after expiry
    expect(lease.held, "no call may start that could outlive the lease").toBe(true);
    clock = 12_500;
    expect(lease.held).toBe(false);
    expect(() => lease.assertHeld()).toThrow(LeaseLostError);

    const files = new PartitionFiles(target(() => lease.assertHeld()), messages, "2026-03-20", "zombie");
    await files.writeRaw(doc());
    await expect(files.close()).rejects.toThrow(LeaseLostError);
    await files.abort(new Error("stopped"));
    expect(await stack.lakeFiles("raw", "messages")).toEqual([]);
    await lease.release();
  });

  it("a fenced commit never replaces a file another writer landed meanwhile", async () => {
    // The zombie looked at the name before the other writer landed it (create-only, or the ETag it saw).
    for (const mode of ["create", "replace"] as const) {
      const zombie = new PartitionFiles(target(undefined, mode), messages, "2026-03-20", `w_${mode}`);
      await zombie.writeRaw(doc());
      const other = new PartitionFiles(target(undefined, "replace"), messages, "2026-03-20", `w_${mode}`);
      const landed = doc();
      await other.writeRaw(landed);
      await other.close();
      await expect(zombie.close()).rejects.toThrow(FencedCommitError);
      const text = (await stack.ctx.storage.lake.getContainerClient(stack.config.containers.raw).getBlobClient(`messages/date=2026-03-20/messages_w_${mode}.jsonl`).downloadToBuffer()).toString();
      expect(text).toContain(landed._id.toHexString());
    }
  });

  /** The locks container through a TCP proxy whose requests a test can hang. */
  const proxiedLocks = async (): Promise<{ locks: ReturnType<BlobServiceClient["getContainerClient"]>; proxy: FaultProxy }> => {
    const cs = stack.env.STATE_STORAGE!;
    const port = /BlobEndpoint=http:\/\/127\.0\.0\.1:(\d+)/.exec(cs)![1]!;
    const proxy = await startFaultProxy(Number(port));
    const client = BlobServiceClient.fromConnectionString(cs.replace(`127.0.0.1:${port}`, `127.0.0.1:${proxy.port}`), { retryOptions: { maxTries: 1 } });
    return { locks: client.getContainerClient(stack.config.containers.locks), proxy };
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it("a renewal that hangs once does not lose the lease: the next one renews it (15 s lease, renewals every 3.75 s)", async () => {
    await stack.ctx.storage.stateBlobs.getContainerClient(stack.config.containers.locks).createIfNotExists();
    const { locks, proxy } = await proxiedLocks();
    try {
      const lease = (await acquireCollectionLease(locks, "messages", 15, 0, { callBoundMs: 3_000 }))!;
      const before = proxy.requests;
      proxy.faults = [{ nth: before + 1, kind: "hang", count: 1 }]; // the first renewal gets no answer
      await sleep(9_000); // renewal 1 hangs (aborted at 7.5 s); renewal 2 at 7.5 s answers
      expect(proxy.requests - before, "two renewals were sent").toBeGreaterThanOrEqual(2);
      expect(lease.held).toBe(true);
      expect(() => lease.assertHeld()).not.toThrow();
      await lease.release();
    } finally {
      await proxy.close();
    }
  }, 30_000);

  it("a renewal the service refuses (another writer broke the lease and took it) is lost for good", async () => {
    await stack.ctx.storage.stateBlobs.getContainerClient(stack.config.containers.locks).createIfNotExists();
    const { locks, proxy } = await proxiedLocks();
    try {
      const lease = (await acquireCollectionLease(locks, "messages", 15, 0, { callBoundMs: 3_000 }))!;
      const direct = stack.ctx.storage.stateBlobs.getContainerClient(stack.config.containers.locks).getBlobClient("messages");
      await direct.getBlobLeaseClient().breakLease(0);
      const other = direct.getBlobLeaseClient();
      await other.acquireLease(15);
      await sleep(4_500); // one renewal: 409 from the service
      expect(lease.held).toBe(false);
      expect(() => lease.assertHeld()).toThrow(LeaseLostError);
      await other.releaseLease();
      await sleep(4_000); // nobody holds it now; a lost lease never tries to win it back
      expect(lease.held).toBe(false);
      await lease.release();
    } finally {
      await proxy.close();
    }
  }, 30_000);
});
