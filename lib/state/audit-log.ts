import { RestError, type TableClient } from "@azure/data-tables";
import { z } from "zod";

/**
 * The audit of removals from the lake (table `etlaudit`): one row per purged profile (partition
 * `purge`, row = profile id) and one per erasure request (partition `erasure`, row = request id).
 * It names ids, rules, partitions and counts, never student text. A purge row also tells the
 * hourly cycle the profile is done, so a flagged profile is purged once.
 */
export const partitionCountSchema = z.object({
  collection: z.string(),
  day: z.iso.date(),
  raw: z.number().int(),
  curated: z.number().int(),
  quarantine: z.number().int(),
});
export type PartitionCount = z.infer<typeof partitionCountSchema>;

export const auditKinds = ["purge", "erasure"] as const;
export type AuditKind = (typeof auditKinds)[number];

export interface AuditRecord {
  kind: AuditKind;
  /** Profile id for a purge; request id for an erasure. */
  key: string;
  profileId: string;
  /** Purge: the exclusion rule (isTester, isArchived, first_name); erasure: `erasure`. */
  rule: string;
  status: "accepted" | "running" | "done" | "failed";
  /** Operator's reason for an erasure (a ticket reference, not student text). */
  reason?: string;
  forced?: boolean;
  partitions: PartitionCount[];
  requestedAt: Date;
  finishedAt?: Date;
  error?: string;
}

const entitySchema = z.object({
  partitionKey: z.enum(auditKinds),
  rowKey: z.string(),
  profileId: z.string(),
  rule: z.string(),
  status: z.enum(["accepted", "running", "done", "failed"]),
  reason: z.string().optional(),
  forced: z.boolean().optional(),
  partitions: z.string(),
  rawRows: z.number().int().optional(),
  curatedRows: z.number().int().optional(),
  quarantineRows: z.number().int().optional(),
  requestedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().optional(),
  error: z.string().optional(),
});

// Table Storage properties hold 64 KiB of text; a student in thousands of partitions keeps the first ones.
const MAX_PARTITIONS_TEXT = 30_000;

function toRecord(e: z.infer<typeof entitySchema>): AuditRecord {
  return {
    kind: e.partitionKey,
    key: e.rowKey,
    profileId: e.profileId,
    rule: e.rule,
    status: e.status,
    reason: e.reason,
    forced: e.forced,
    partitions: z.array(partitionCountSchema).parse(JSON.parse(e.partitions)),
    requestedAt: new Date(e.requestedAt),
    finishedAt: e.finishedAt ? new Date(e.finishedAt) : undefined,
    error: e.error,
  };
}

export class AuditLog {
  constructor(private readonly table: TableClient) {}

  async write(record: AuditRecord): Promise<void> {
    let partitions = JSON.stringify(record.partitions);
    if (partitions.length > MAX_PARTITIONS_TEXT) partitions = JSON.stringify(record.partitions.slice(0, 200));
    const sum = (zone: "raw" | "curated" | "quarantine") => record.partitions.reduce((n, p) => n + p[zone], 0);
    const entity = {
      partitionKey: record.kind,
      rowKey: record.key,
      profileId: record.profileId,
      rule: record.rule,
      status: record.status,
      reason: record.reason,
      forced: record.forced,
      partitions,
      rawRows: sum("raw"),
      curatedRows: sum("curated"),
      quarantineRows: sum("quarantine"),
      requestedAt: record.requestedAt.toISOString(),
      finishedAt: record.finishedAt?.toISOString(),
      error: record.error,
    };
    await this.table.upsertEntity(Object.fromEntries(Object.entries(entity).filter(([, v]) => v !== undefined)) as typeof entity, "Replace");
  }

  async get(kind: AuditKind, key: string): Promise<AuditRecord | undefined> {
    try {
      const parsed = entitySchema.safeParse(await this.table.getEntity(kind, key));
      if (!parsed.success) throw new Error(`Audit row ${kind}/${key} in table ${this.table.tableName} is malformed (${parsed.error.issues[0]?.message})`);
      return toRecord(parsed.data);
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 404) return undefined;
      throw err;
    }
  }

  /** Profile ids of every row of a kind, whatever its status. */
  async profileIds(kind: AuditKind): Promise<Set<string>> {
    const ids = new Set<string>();
    const filter = `PartitionKey eq '${kind}'`;
    for await (const e of this.table.listEntities<{ profileId?: string }>({ queryOptions: { filter, select: ["profileId"] } })) if (e.profileId) ids.add(e.profileId);
    return ids;
  }

  /** Keys of every finished row of a kind (for a purge: the profiles already purged). */
  async doneKeys(kind: AuditKind): Promise<Set<string>> {
    const keys = new Set<string>();
    const filter = `PartitionKey eq '${kind}' and status eq 'done'`;
    for await (const e of this.table.listEntities<{ rowKey?: string }>({ queryOptions: { filter, select: ["RowKey"] } })) if (e.rowKey) keys.add(e.rowKey);
    return keys;
  }
}
