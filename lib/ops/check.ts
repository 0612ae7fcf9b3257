import { randomUUID } from "node:crypto";
import type { TableClient } from "@azure/data-tables";
import type { ContainerClient } from "@azure/storage-blob";
import type { QueueClient } from "@azure/storage-queue";
import type { Db } from "mongodb";
import { collections } from "../collections/index.js";
import type { Config } from "../config.js";
import type { Compression } from "../load/parquet-schema.js";
import { useFastestSnappy } from "../load/snappy.js";
import { checkEgress, type EgressIpOptions } from "../network/egress-ip.js";
import type { StorageClients } from "../storage/clients.js";
import { redactSecrets } from "../telemetry/redact.js";
import { worstOf, type CheckLine, type CheckReport } from "./check-result.js";
import { createIndexCommand, requiredIndexes, servesIndex } from "./required-indexes.js";

export interface CheckDeps {
  config: Config;
  /** Clients built from config alone: check must not create what it is checking for. */
  storage: StorageClients;
  /** Connects to MongoDB; a failure here is the `mongo` line. */
  db(): Promise<Db>;
  env: NodeJS.ProcessEnv;
}

export interface CheckOptions {
  collections?: readonly string[];
  egress?: EgressIpOptions;
}

/**
 * `etl check` (seed 003's test-connections, for the first deploy and for on-call): MongoDB reachable
 * and authenticated, each collection readable, the cursors' indexes present; every container, table
 * and queue reachable with a write probe where the app writes; the egress IP; telemetry. Read-only
 * except for the probes, which it removes at once.
 */
export async function runChecks(deps: CheckDeps, options: CheckOptions = {}): Promise<CheckReport> {
  const checks: CheckLine[] = [
    ...(await mongoChecks(deps, options.collections)),
    ...(await storageChecks(deps)),
    await egressCheck(deps.env, options.egress),
    telemetryCheck(deps.config),
    parquetCheck(deps.config.etl.parquetCompression, deps.config.etl.parquetCompression === "SNAPPY" ? useFastestSnappy() : undefined),
  ];
  return { worst: worstOf(checks), checks };
}

const message = (err: unknown) => redactSecrets(err instanceof Error ? err.message : String(err));

async function mongoChecks(deps: CheckDeps, only?: readonly string[]): Promise<CheckLine[]> {
  const { database } = deps.config.mongo;
  let db: Db;
  try {
    db = await deps.db();
    await db.command({ ping: 1 });
  } catch (err) {
    return [{ check: "mongo", level: "fail", detail: `not reachable: ${message(err)}`, fix: "check MONGODB_URI and that the egress IP is on the Atlas allow-list" }];
  }
  const out: CheckLine[] = [];
  const hasCredentials = /^mongodb(?:\+srv)?:\/\/[^/?#]*@/.test(deps.config.mongo.uri);
  const status = (await db.command({ connectionStatus: 1 }).catch(() => undefined)) as { authInfo?: { authenticatedUsers?: { user: string }[] } } | undefined;
  const users = status?.authInfo?.authenticatedUsers ?? [];
  if (!hasCredentials) out.push({ check: "mongo", level: "ok", detail: `reachable, database ${database}; no credentials in MONGODB_URI (a local server)` });
  else if (users.length > 0) out.push({ check: "mongo", level: "ok", detail: `reachable and authenticated as ${users.map((u) => u.user).join(", ")}, database ${database}` });
  else out.push({ check: "mongo", level: "warn", detail: `reachable, database ${database}, but the server reports no authenticated user` });

  const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  for (const spec of collections.filter((c) => !only || only.includes(c.name))) {
    if (!existing.has(spec.name)) {
      out.push({ check: `collection ${spec.name}`, level: "warn", detail: `does not exist in ${database}: nothing to extract`, fix: "check MONGODB_DATABASE" });
      continue;
    }
    const collection = db.collection(spec.name);
    try {
      await collection.findOne({}, { projection: { _id: 1 } });
      out.push({ check: `collection ${spec.name}`, level: "ok", detail: "readable" });
    } catch (err) {
      out.push({ check: `collection ${spec.name}`, level: "fail", detail: `not readable: ${message(err)}`, fix: "grant the ETL user read on the database" });
      continue;
    }
    const indexes = (await collection.listIndexes().toArray()) as { key: Record<string, unknown> }[];
    for (const wanted of requiredIndexes(spec)) {
      const label = `index ${spec.name} (${Object.keys(wanted.key).join(", ")})`;
      if (indexes.some((i) => servesIndex(i.key, wanted.key))) out.push({ check: label, level: "ok", detail: `present, for ${wanted.why}` });
      else out.push({ check: label, level: "warn", detail: `missing: ${wanted.why} scans the whole collection`, fix: createIndexCommand(spec.name, wanted.key) });
    }
  }
  return out;
}

interface StorageError {
  statusCode?: number;
  code?: string;
}

function storageFailure(what: string, setting: string, err: unknown, role: string): CheckLine {
  const e = err as StorageError;
  if (e.statusCode === 404) {
    return { check: what, level: "fail", detail: `does not exist (${e.code ?? "404"})`, fix: `create it (infra/ does in Azure) or correct ${setting}` };
  }
  if (e.statusCode === 403) {
    return { check: what, level: "fail", detail: `refused with the configured identity (${e.code ?? "403"})`, fix: `grant the app's identity ${role}` };
  }
  return { check: what, level: "fail", detail: `not reachable: ${message(err)}` };
}

async function probeContainer(container: ContainerClient, what: string, setting: string): Promise<CheckLine> {
  // A root-level blob, so a hierarchical-namespace account keeps no directory behind.
  const probe = container.getBlockBlobClient(`etl-check-probe-${randomUUID()}`);
  try {
    await probe.upload("probe", 5);
    await probe.delete();
    return { check: what, level: "ok", detail: "reachable, write probe written and removed" };
  } catch (err) {
    return storageFailure(what, setting, err, "Storage Blob Data Contributor");
  }
}

async function probeTable(table: TableClient, what: string, setting: string): Promise<CheckLine> {
  const entity = { partitionKey: "etl-check", rowKey: randomUUID() };
  try {
    await table.createEntity(entity);
    await table.deleteEntity(entity.partitionKey, entity.rowKey);
    return { check: what, level: "ok", detail: "reachable, write probe written and removed" };
  } catch (err) {
    return storageFailure(what, setting, err, "Storage Table Data Contributor");
  }
}

async function probeQueue(queue: QueueClient, what: string, setting: string, write: boolean): Promise<CheckLine> {
  try {
    if (!write) {
      await queue.getProperties();
      return { check: what, level: "ok", detail: "reachable" };
    }
    // Invisible for a minute and deleted at once: no chunk worker ever sees it.
    const sent = await queue.sendMessage("etl-check", { visibilityTimeout: 60 });
    await queue.deleteMessage(sent.messageId, sent.popReceipt);
    return { check: what, level: "ok", detail: "reachable, write probe sent and removed" };
  } catch (err) {
    return storageFailure(what, setting, err, "Storage Queue Data Contributor");
  }
}

async function storageChecks({ config, storage }: CheckDeps): Promise<CheckLine[]> {
  const { containers, tables, queues } = config;
  return Promise.all([
    probeContainer(storage.lake.getContainerClient(containers.raw), `container ${containers.raw} (raw)`, "LAKE_RAW_CONTAINER"),
    probeContainer(storage.lake.getContainerClient(containers.curated), `container ${containers.curated} (curated)`, "LAKE_CURATED_CONTAINER"),
    probeContainer(storage.lake.getContainerClient(containers.quarantine), `container ${containers.quarantine} (quarantine)`, "LAKE_QUARANTINE_CONTAINER"),
    probeContainer(storage.stateBlobs.getContainerClient(containers.locks), `container ${containers.locks} (locks)`, "STATE_LOCKS_CONTAINER"),
    probeTable(storage.table(tables.watermarks), `table ${tables.watermarks}`, "STATE_WATERMARKS_TABLE"),
    probeTable(storage.table(tables.runs), `table ${tables.runs}`, "STATE_RUNS_TABLE"),
    probeTable(storage.table(tables.jobs), `table ${tables.jobs}`, "STATE_JOBS_TABLE"),
    probeQueue(storage.queue(queues.backfill), `queue ${queues.backfill}`, "BACKFILL_QUEUE", true),
    probeQueue(storage.queue(`${queues.backfill}-poison`), `queue ${queues.backfill}-poison`, "BACKFILL_QUEUE", false),
    probeQueue(storage.queue(queues.erasure), `queue ${queues.erasure}`, "ERASURE_QUEUE", true),
    probeQueue(storage.queue(`${queues.erasure}-poison`), `queue ${queues.erasure}-poison`, "ERASURE_QUEUE", false),
  ]);
}

async function egressCheck(env: NodeJS.ProcessEnv, options?: EgressIpOptions): Promise<CheckLine> {
  if (!env.EXPECTED_EGRESS_IP?.trim()) {
    return { check: "egress ip", level: "warn", detail: "EXPECTED_EGRESS_IP is not set: nothing to compare with", fix: "set it to the NAT gateway's public IP (Bicep does in Azure)" };
  }
  try {
    const report = await checkEgress(env, options);
    if (report.matches) return { check: "egress ip", level: "ok", detail: `${report.egressIp}, as expected (from ${report.source})` };
    return {
      check: "egress ip",
      level: "fail",
      detail: `${report.egressIp} is not EXPECTED_EGRESS_IP ${report.expectedIp}: Atlas will refuse this app`,
      fix: "route outbound traffic through the NAT gateway (docs/NETWORKING.md) or allow-list the IP",
    };
  } catch (err) {
    return { check: "egress ip", level: "fail", detail: message(err) };
  }
}

function telemetryCheck(config: Config): CheckLine {
  const cs = config.appInsightsConnectionString;
  if (!cs) {
    return { check: "telemetry", level: "warn", detail: "APPLICATIONINSIGHTS_CONNECTION_STRING is not set: no metrics, no alerts", fix: "set it (Bicep does in Azure)" };
  }
  const endpoint = /IngestionEndpoint=https?:\/\/([^/;]+)/i.exec(cs)?.[1];
  if (!/InstrumentationKey=[0-9a-f-]{36}/i.test(cs)) {
    return { check: "telemetry", level: "fail", detail: "APPLICATIONINSIGHTS_CONNECTION_STRING has no InstrumentationKey", fix: "copy the connection string from the Application Insights resource" };
  }
  return { check: "telemetry", level: "ok", detail: `Application Insights configured${endpoint ? ` (ingestion ${endpoint})` : ""}` };
}

/** Which encoder compresses curated pages: the same files either way, but snappyjs costs ~10× per page. */
export function parquetCheck(compression: Compression, snappy?: "native" | "snappyjs"): CheckLine {
  if (compression !== "SNAPPY") return { check: "curated parquet", level: "ok", detail: `${compression} pages (node:zlib)` };
  if (snappy === "native") return { check: "curated parquet", level: "ok", detail: "SNAPPY pages, native encoder (snappy)" };
  return {
    check: "curated parquet",
    level: "warn",
    detail: "SNAPPY pages by snappyjs: the native snappy binary did not load (same files, ~10× the CPU per page)",
    fix: "install the package on the platform it runs on (npm install puts the optional @napi-rs/snappy-<platform> binary in node_modules)",
  };
}
