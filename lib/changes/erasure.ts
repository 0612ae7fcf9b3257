import { randomUUID } from "node:crypto";
import type { Document } from "mongodb";
import { z } from "zod";
import { collections as allCollections } from "../collections/index.js";
import { idForms, loadTesterExclusion, type TesterExclusion } from "../extract/testers.js";
import type { EtlContext } from "../pipeline/context.js";
import { AuditLog, type AuditRecord, type PartitionCount } from "../state/audit-log.js";
import { acquireCollectionLease } from "../state/collection-lease.js";
import { WatermarkStore } from "../state/watermarks.js";
import { errorText } from "../telemetry/index.js";
import { lakeDays, personKey, removeFromPartition } from "./person-rows.js";
import { lakeTarget } from "./purge.js";

/** `POST /api/erasure` body and the CLI's flags: who, why (a ticket reference, not student text). */
export const erasureRequestSchema = z.object({
  userId: z.string().trim().min(1, "userId is required (the student's profile id)").max(200),
  reason: z.string().trim().min(1, "reason is required (e.g. the privacy ticket id)").max(500),
  /** Erase even when no profile has this id (it was deleted from MongoDB first). */
  force: z.boolean().optional(),
});
export type ErasureRequest = z.infer<typeof erasureRequestSchema>;

export class UnknownPersonError extends Error {
  constructor(readonly userId: string) {
    super(`No profile has id ${userId}; nothing erased. If the profile was already deleted from MongoDB, ask again with force (CLI --force, body "force": true)`);
    this.name = "UnknownPersonError";
  }
}

/** How long a collection waits for its hourly run before erasing it. */
const LEASE_WAIT_MS = 120_000;

/** The id as stored: a 24-hex id is looked up as ObjectId and as text. */
function profileIdForms(userId: string): unknown[] {
  return idForms(userId);
}

/**
 * Records an erasure request (status `accepted`) after checking a profile has that id (unless
 * forced). Returns the audit record; `runErasure` does the work.
 */
export async function acceptErasure(ctx: EtlContext, request: ErasureRequest, now = new Date()): Promise<AuditRecord> {
  const person = personKey(request.userId);
  if (!person) throw new UnknownPersonError(request.userId);
  if (!request.force) {
    const db = await ctx.db();
    const found = await db.collection("profiles").findOne({ _id: { $in: profileIdForms(request.userId) } } as Document, { projection: { _id: 1 } });
    if (!found) throw new UnknownPersonError(request.userId);
  }
  const record: AuditRecord = {
    kind: "erasure",
    key: randomUUID(),
    profileId: person,
    rule: "erasure",
    status: "accepted",
    reason: request.reason,
    forced: request.force ?? false,
    partitions: [],
    requestedAt: now,
  };
  await new AuditLog(ctx.storage.table(ctx.config.tables.audit)).write(record);
  ctx.log.warn(`Erasure ${record.key} accepted${record.forced ? " (forced: no profile has this id)" : ""}`);
  return record;
}

export interface ErasureRunOptions {
  /** A queue delivery that will be retried: a failure leaves the request `accepted` (queued again). */
  retryLater?: boolean;
  /** Which delivery this is ("2/5"), for the recorded error. */
  attempt?: string;
}

/**
 * Removes every row of the student from raw, curated and quarantine, in every partition of every
 * collection (profiles by _id; the others, errorlogs included, by userId in both id forms). Each
 * collection is erased under its lease (no insert window in flight), each partition under its
 * lock. The audit row goes running → done (or failed, with the redacted error; running it again
 * finishes). Called by the CLI in-process and by the erasure queue's worker.
 */
export async function runErasure(ctx: EtlContext, requestId: string, options: ErasureRunOptions = {}): Promise<AuditRecord> {
  const audit = new AuditLog(ctx.storage.table(ctx.config.tables.audit));
  const record = await audit.get("erasure", requestId);
  if (!record) throw new Error(`No erasure request ${requestId} in table ${ctx.config.tables.audit}`);
  if (record.status === "done") return record;
  const people = new Set([record.profileId]);
  const partitions: PartitionCount[] = [];
  await audit.write({ ...record, status: "running", error: undefined });
  const locks = ctx.storage.stateBlobs.getContainerClient(ctx.config.containers.locks);
  const target = lakeTarget(ctx);
  try {
    for (const spec of allCollections) {
      const lease = await acquireCollectionLease(locks, spec.name, ctx.config.etl.leaseSeconds, LEASE_WAIT_MS);
      if (!lease) throw new Error(`${spec.name}: its hourly run held the lease for ${LEASE_WAIT_MS / 1000} s; run the erasure again`);
      try {
        const input = {
          target,
          spec,
          watermarks: new WatermarkStore(ctx.storage.table(ctx.config.tables.watermarks)),
          locks,
          leaseSeconds: ctx.config.etl.leaseSeconds,
          fileId: `erasure_${requestId.slice(0, 8)}`,
          log: ctx.log.child({ collection: spec.name }),
          stillHeld: () => lease.held,
        };
        for (const day of await lakeDays(target, spec.name)) {
          const counts = (await removeFromPartition(input, day, people)).get(record.profileId);
          if (counts) partitions.push({ collection: spec.name, day, ...counts });
        }
      } finally {
        await lease.release();
      }
    }
    const done: AuditRecord = { ...record, status: "done", partitions, finishedAt: new Date(), error: undefined };
    await audit.write(done);
    const rows = partitions.reduce((n, p) => n + p.raw + p.curated + p.quarantine, 0);
    ctx.log.warn(`Erasure ${requestId}: ${rows} rows removed from ${partitions.length} partitions`);
    return done;
  } catch (err) {
    // Redacted: the audit row is read back over HTTP (GET /api/erasure/{id}).
    const error = `${options.attempt ? `attempt ${options.attempt}: ` : ""}${errorText(err)}`;
    await audit.write({ ...record, status: options.retryLater ? "accepted" : "failed", partitions, error });
    throw err;
  }
}

/**
 * Ids of every erasure request (both forms), from the moment it is accepted, not only once done: a
 * run that starts while the erasure is queued or running must not write the student's new documents
 * into partitions the erasure has already visited.
 */
export async function erasedIdVariants(ctx: EtlContext): Promise<unknown[]> {
  const audit = new AuditLog(ctx.storage.table(ctx.config.tables.audit));
  return [...(await audit.profileIds("erasure"))].flatMap((key) => idForms(personId(key)));
}

/** The id a person key (personKey) stands for: 24-hex as is, `s:`/`n:` keys back to their string/number. */
function personId(key: string): unknown {
  if (key.startsWith("s:")) return key.slice(2);
  if (key.startsWith("n:")) return Number(key.slice(2));
  return key;
}

/**
 * Who no path may write to the lake: the profiles a tester rule excludes now, plus every erased
 * student (both id forms). The hourly run, backfill chunks and reconcile all read it, so a rebuild
 * or a repair never brings an erased student back.
 */
export async function loadLakeExclusion(ctx: EtlContext): Promise<TesterExclusion> {
  return withErasures(ctx, await loadTesterExclusion(await ctx.db()));
}

/**
 * `exclusion` with every erasure accepted so far. The insert window and the change pass call it
 * again under their collection's lease (the erasure takes the same lease per collection): a
 * request accepted after the hourly run read its exclusion is honoured by that run too, instead
 * of the run writing the student's new documents behind the erasure.
 */
export async function withErasures(ctx: EtlContext, exclusion: TesterExclusion): Promise<TesterExclusion> {
  const erased = await erasedIdVariants(ctx);
  if (erased.length === 0) return exclusion;
  const known = new Set(exclusion.erased?.map(String) ?? []);
  const added = erased.filter((id) => !known.has(String(id)));
  if (added.length === 0) return exclusion;
  return { ...exclusion, idVariants: [...exclusion.idVariants, ...added], erased: [...(exclusion.erased ?? []), ...added] };
}
