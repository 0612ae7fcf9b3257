import { z } from "zod";
import { hasUnencodedAt } from "./telemetry/redact.js";

/**
 * Every environment variable the app reads, in one place. The Bicep app settings, the
 * local.settings.json example and the README table are checked against `settingNames`.
 */
const durationSeconds = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

/** Earliest UTC day a backfill may rebuild (BACKFILL_EARLIEST_DAY): before the platform held data. */
export const DEFAULT_BACKFILL_EARLIEST_DAY = "2015-01-01";
const earliestDaySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "BACKFILL_EARLIEST_DAY must be a UTC date YYYY-MM-DD")
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), "BACKFILL_EARLIEST_DAY is not a calendar date")
  .default(DEFAULT_BACKFILL_EARLIEST_DAY);

const envSchema = z
  .object({
    MONGODB_URI: z
      .string({ error: "MONGODB_URI is not set: give the MongoDB connection string (Key Vault reference in Azure)" })
      .regex(/^mongodb(\+srv)?:\/\//, "MONGODB_URI must start with mongodb:// or mongodb+srv://")
      // The driver would take the password's tail for a host and print it in its errors.
      .refine((uri) => !hasUnencodedAt(uri), "MONGODB_URI has an unencoded @ in its user name or password: percent-encode it as %40 (and : / ? as %3A %2F %3F)"),
    MONGODB_DATABASE: z.string().min(1).default("pathways-prod"),

    // Storage: a connection string locally (Azurite), service URIs + managed identity in Azure.
    // Names follow the Functions identity-based connection convention (`<CONN>__<service>Uri`).
    LAKE_STORAGE: z.string().min(1).optional(),
    LAKE_STORAGE__blobServiceUri: z.url().optional(),
    STATE_STORAGE: z.string().min(1).optional(),
    STATE_STORAGE__blobServiceUri: z.url().optional(),
    STATE_STORAGE__tableServiceUri: z.url().optional(),
    STATE_STORAGE__queueServiceUri: z.url().optional(),
    AZURE_CLIENT_ID: z.string().optional(),

    LAKE_RAW_CONTAINER: z.string().min(3).default("raw"),
    LAKE_CURATED_CONTAINER: z.string().min(3).default("curated"),
    LAKE_QUARANTINE_CONTAINER: z.string().min(3).default("quarantine"),
    STATE_LOCKS_CONTAINER: z.string().min(3).default("etl-locks"),
    STATE_WATERMARKS_TABLE: z.string().regex(/^[A-Za-z][A-Za-z0-9]{2,62}$/).default("watermarks"),
    STATE_RUNS_TABLE: z.string().regex(/^[A-Za-z][A-Za-z0-9]{2,62}$/).default("etlruns"),
    STATE_JOBS_TABLE: z.string().regex(/^[A-Za-z][A-Za-z0-9]{2,62}$/).default("backfilljobs"),
    STATE_AUDIT_TABLE: z.string().regex(/^[A-Za-z][A-Za-z0-9]{2,62}$/).default("etlaudit"),
    BACKFILL_QUEUE: z.string().regex(/^[a-z0-9][a-z0-9-]{2,62}$/).default("backfill-chunks"),
    ERASURE_QUEUE: z.string().regex(/^[a-z0-9][a-z0-9-]{2,62}$/).default("erasure-requests"),

    ETL_SETTLE_DELAY_SECONDS: durationSeconds(120),
    ETL_INITIAL_LOOKBACK_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
    ETL_BATCH_SIZE: z.coerce.number().int().min(1).max(50_000).default(1000),
    ETL_LEASE_SECONDS: z.coerce.number().int().min(15).max(60).default(60),
    ETL_LEASE_WAIT_SECONDS: durationSeconds(0),
    ETL_PARQUET_COMPRESSION: z.enum(["SNAPPY", "GZIP"]).default("SNAPPY"),
    // A window stops at whichever bound comes first and commits what it has (a checkpoint).
    ETL_WINDOW_MAX_DOCS: z.coerce.number().int().min(1).default(500_000),
    ETL_WINDOW_MAX_SECONDS: durationSeconds(900),

    BACKFILL_EARLIEST_DAY: earliestDaySchema,
    HEALTH_MAX_LAG_MINUTES: z.coerce.number().int().min(1).default(120),
    RUN_HISTORY_RETENTION_DAYS: z.coerce.number().int().min(1).default(90),
    APPLICATIONINSIGHTS_CONNECTION_STRING: z.string().optional(),
  })
  .superRefine((env, ctx) => {
    if (!env.LAKE_STORAGE && !env.LAKE_STORAGE__blobServiceUri) {
      ctx.addIssue({
        code: "custom",
        path: ["LAKE_STORAGE"],
        message:
          "LAKE_STORAGE is not set: give a connection string (local) or LAKE_STORAGE__blobServiceUri (managed identity)",
      });
    }
    if (!env.STATE_STORAGE) {
      for (const svc of ["blob", "table", "queue"] as const) {
        const key = `STATE_STORAGE__${svc}ServiceUri` as const;
        if (!env[key]) {
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: `${key} is not set: give STATE_STORAGE (connection string) or all three STATE_STORAGE__{blob,table,queue}ServiceUri`,
          });
        }
      }
    }
  });

export type Env = z.infer<typeof envSchema>;

export interface Config {
  mongo: { uri: string; database: string };
  lake: { connectionString?: string; blobServiceUri?: string };
  state: { connectionString?: string; blobServiceUri?: string; tableServiceUri?: string; queueServiceUri?: string };
  managedIdentityClientId?: string;
  containers: { raw: string; curated: string; quarantine: string; locks: string };
  tables: { watermarks: string; runs: string; jobs: string; audit: string };
  queues: { backfill: string; erasure: string };
  etl: {
    settleDelayMs: number;
    initialLookbackDays: number;
    batchSize: number;
    leaseSeconds: number;
    leaseWaitMs: number;
    /** Bounds of one window: documents, and milliseconds of extraction. */
    windowMaxDocs: number;
    windowMaxMs: number;
    parquetCompression: "SNAPPY" | "GZIP";
  };
  health: { maxLagMinutes: number };
  backfill: { earliestDay: string };
  runHistoryRetentionDays: number;
  appInsightsConnectionString?: string;
}

/** Names of every setting, for drift checks against infra and docs. */
export const settingNames = Object.keys(envSchema.shape ?? {}) as (keyof Env)[];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

/** Parses settings from `env`; throws ConfigError naming each bad variable (never its value). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const blanksRemoved = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(blanksRemoved);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join(".") || "environment";
        return issue.message.startsWith(name) ? issue.message : `${name}: ${issue.message}`;
      }),
    );
  }
  const e = parsed.data;
  return {
    mongo: { uri: e.MONGODB_URI, database: e.MONGODB_DATABASE },
    lake: { connectionString: e.LAKE_STORAGE, blobServiceUri: e.LAKE_STORAGE__blobServiceUri },
    state: {
      connectionString: e.STATE_STORAGE,
      blobServiceUri: e.STATE_STORAGE__blobServiceUri,
      tableServiceUri: e.STATE_STORAGE__tableServiceUri,
      queueServiceUri: e.STATE_STORAGE__queueServiceUri,
    },
    managedIdentityClientId: e.AZURE_CLIENT_ID,
    containers: {
      raw: e.LAKE_RAW_CONTAINER,
      curated: e.LAKE_CURATED_CONTAINER,
      quarantine: e.LAKE_QUARANTINE_CONTAINER,
      locks: e.STATE_LOCKS_CONTAINER,
    },
    tables: { watermarks: e.STATE_WATERMARKS_TABLE, runs: e.STATE_RUNS_TABLE, jobs: e.STATE_JOBS_TABLE, audit: e.STATE_AUDIT_TABLE },
    queues: { backfill: e.BACKFILL_QUEUE, erasure: e.ERASURE_QUEUE },
    etl: {
      settleDelayMs: e.ETL_SETTLE_DELAY_SECONDS * 1000,
      initialLookbackDays: e.ETL_INITIAL_LOOKBACK_DAYS,
      batchSize: e.ETL_BATCH_SIZE,
      leaseSeconds: e.ETL_LEASE_SECONDS,
      leaseWaitMs: e.ETL_LEASE_WAIT_SECONDS * 1000,
      parquetCompression: e.ETL_PARQUET_COMPRESSION,
      windowMaxDocs: e.ETL_WINDOW_MAX_DOCS,
      windowMaxMs: e.ETL_WINDOW_MAX_SECONDS * 1000,
    },
    health: { maxLagMinutes: e.HEALTH_MAX_LAG_MINUTES },
    backfill: { earliestDay: e.BACKFILL_EARLIEST_DAY },
    runHistoryRetentionDays: e.RUN_HISTORY_RETENTION_DAYS,
    appInsightsConnectionString: e.APPLICATIONINSIGHTS_CONNECTION_STRING,
  };
}

/**
 * BACKFILL_EARLIEST_DAY alone, for the HTTP function that validates a request before it builds a
 * context (the same schema and default as loadConfig; a malformed value falls back to the default,
 * loadConfig reports it).
 */
export function earliestBackfillDay(env: NodeJS.ProcessEnv = process.env): string {
  const parsed = earliestDaySchema.safeParse(env.BACKFILL_EARLIEST_DAY || undefined);
  return parsed.success ? parsed.data : DEFAULT_BACKFILL_EARLIEST_DAY;
}

/** Names of settings that the app cannot start without in Azure (for infra drift checks). */
export const requiredInAzure = [
  "MONGODB_URI",
  "MONGODB_DATABASE",
  "LAKE_STORAGE__blobServiceUri",
  "STATE_STORAGE__blobServiceUri",
  "STATE_STORAGE__tableServiceUri",
  "STATE_STORAGE__queueServiceUri",
  "AZURE_CLIENT_ID",
  "APPLICATIONINSIGHTS_CONNECTION_STRING",
] as const satisfies readonly (keyof Env)[];
