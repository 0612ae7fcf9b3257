/**
 * Writes docs/openapi.yaml for the HTTP functions. Request bodies and parameters come from the zod
 * schemas the handlers validate with (z.toJSONSchema), responses from the zod shapes below, so the
 * document cannot drift from what is checked at the door. `npm run gen:openapi`; a test fails when
 * the committed file is stale or a route in functions/ is missing here.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { z } from "zod";
import { jobIdSchema } from "../lib/backfill/plan.js";
import { backfillBodySchema, isoDaySchema } from "../lib/backfill/request.js";
import { chunkStatuses, watermarkChangeSchema } from "../lib/backfill/job-store.js";
import { erasureRequestSchema } from "../lib/changes/index.js";
import { collectionNames } from "../lib/collections/index.js";

/** The schemas the document names, each under its component id. */
const registry = z.registry<{ id: string }>();
const named = <T extends z.ZodType>(id: string, schema: T): T => {
  registry.add(schema, { id });
  return schema;
};

const error = named("Error", z.object({ error: z.string(), problems: z.array(z.string()).optional(), fix: z.string().optional() }));

const collectionHealth = z
  .object({
    collection: z.enum(collectionNames as [string, ...string[]]),
    status: z.enum(["fresh", "stale"]),
    reason: z.string().optional(),
    completeUpTo: z.iso.datetime().nullable(),
    lagMinutes: z.number().int().nullable(),
    watermark: z.iso.datetime().nullable(),
    watermarkLagMinutes: z.number().int().nullable(),
  })
  .loose();
const health = named(
  "HealthReport",
  z.object({
    status: z.enum(["healthy", "stale"]),
    checkedAt: z.iso.datetime(),
    maxLagMinutes: z.number().int(),
    stale: z.array(z.string()),
    collections: z.array(collectionHealth),
  }),
);

const egress = named(
  "EgressReport",
  z.object({
    egressIp: z.string(),
    expectedIp: z.string().nullable(),
    matches: z.boolean().nullable().describe("null when EXPECTED_EGRESS_IP is not set"),
    source: z.string(),
  }),
);

const submitted = named(
  "SubmittedJob",
  z.object({
    jobId: jobIdSchema,
    mode: z.enum(["full", "rescore"]),
    collections: z.array(z.string()),
    from: isoDaySchema,
    to: isoDaySchema,
    chunks: z.number().int(),
    watermarkChanges: z.array(watermarkChangeSchema),
    statusUrl: z.url(),
  }),
);

const jobStatus = named(
  "JobStatus",
  z
    .object({
      jobId: jobIdSchema,
      status: z.enum(["queued", "running", "done", "failed"]),
      mode: z.enum(["full", "rescore"]),
      collections: z.array(z.string()),
      from: isoDaySchema,
      to: isoDaySchema,
      createdAt: z.iso.datetime(),
      startedAt: z.iso.datetime().optional(),
      endedAt: z.iso.datetime().optional(),
      chunkCount: z.number().int(),
      counts: z.record(z.enum(chunkStatuses), z.number().int()),
      documents: z.number().int(),
      curatedRows: z.number().int(),
      quarantined: z.number().int(),
      watermarkChanges: z.array(watermarkChangeSchema),
      failures: z.array(z.object({ collection: z.string(), day: isoDaySchema, attempts: z.number().int(), error: z.string() })),
      chunks: z.array(z.object({ collection: z.string(), day: isoDaySchema, status: z.enum(chunkStatuses), attempts: z.number().int() }).loose()),
    })
    .loose(),
);

const backfillRequest = named("BackfillRequest", backfillBodySchema);
const erasureRequest = named("ErasureRequest", erasureRequestSchema);
const erasureAccepted = named(
  "ErasureAccepted",
  z.object({ requestId: z.string(), status: z.literal("accepted").describe("queued; the erasure-worker queue trigger carries it out"), statusUrl: z.url() }),
);
const erasureRecord = named(
  "ErasureRecord",
  z.object({ status: z.string().describe("accepted (queued, or waiting for a retry: error says why), running, done or failed (error says why; run etl erase or POST again)") }).loose().describe("The audit record: profile id, partitions and row counts touched, times; no student text"),
);

/** Response shapes, for tests that hold real handler answers to them. */
export const responseSchemas = { error, health, egress, submitted, jobStatus, erasureAccepted, erasureRecord } as const;

const json = (schema: z.ZodType) => ({ "application/json": { schema: ref(schema) } });
const ref = (schema: z.ZodType) => ({ $ref: `#/components/schemas/${registry.get(schema)!.id}` });
const answer = (description: string, schema?: z.ZodType) => ({ description, ...(schema ? { content: json(schema) } : {}) });

/** Every HTTP route of functions/, by path and method. */
export const documentedRoutes = ["health", "egress", "backfill", "backfill/{jobId}", "erasure", "erasure/{requestId}"] as const;

export function renderOpenApi(): string {
  const components = z.toJSONSchema(registry, { target: "openapi-3.0", unrepresentable: "any", uri: (id) => `#/components/schemas/${id}` });
  const doc = {
    openapi: "3.0.3",
    info: {
      title: "Campus analytics ETL",
      version: "0.1.0",
      description:
        "HTTP functions of the ETL app. Every route needs a function key (`code` query parameter or `x-functions-key` header). " +
        "Generated from the zod schemas by `npm run gen:openapi`; do not edit by hand.",
    },
    servers: [{ url: "https://{app}.azurewebsites.net/api", variables: { app: { default: "func-etl" } } }, { url: "http://localhost:7071/api" }],
    security: [{ functionKey: [] }],
    paths: {
      "/health": {
        get: {
          summary: "Freshness per collection",
          parameters: [{ name: "collection", in: "query", required: false, schema: { type: "string", enum: collectionNames }, description: "only this collection (repeatable)" }],
          responses: { 200: answer("every collection is fresh", health), 400: answer("unknown collection", error), 503: answer("a collection is stale, or the run state cannot be read", health) },
        },
      },
      "/egress": {
        get: {
          summary: "The app's outbound IP against EXPECTED_EGRESS_IP",
          responses: { 200: answer("detected (and matching, or nothing to compare with)", egress), 409: answer("detected, but not the NAT IP: Atlas will refuse the app", egress), 500: answer("EXPECTED_EGRESS_IP is malformed", error), 502: answer("no echo service answered", error) },
        },
      },
      "/backfill": {
        post: {
          summary: "Start a backfill job",
          requestBody: { required: false, content: json(backfillRequest) },
          responses: { 202: answer("queued; Location is the status URL", submitted), 400: answer("invalid request, each problem named", error), 409: answer("a watermark needs attention first", error), 413: answer("body over 16 KiB", error) },
        },
      },
      "/backfill/{jobId}": {
        get: {
          summary: "Status of a backfill job",
          parameters: [{ name: "jobId", in: "path", required: true, schema: z.toJSONSchema(jobIdSchema, { target: "openapi-3.0" }) }],
          responses: { 200: answer("the job", jobStatus), 400: answer("not a job id", error), 404: answer("no such job", error) },
        },
      },
      "/erasure": {
        post: {
          summary: "Erase one student from raw, curated and quarantine, audited",
          requestBody: { required: true, content: json(erasureRequest) },
          responses: {
            202: answer("recorded and queued (ERASURE_QUEUE); Location is the status URL", erasureAccepted),
            400: answer("invalid request, each problem named", error),
            404: answer("no profile has this id (send force: true if it was deleted from MongoDB first)", error),
            413: answer("body over 16 KiB", error),
          },
        },
      },
      "/erasure/{requestId}": {
        get: {
          summary: "Status and audit record of an erasure request",
          parameters: [{ name: "requestId", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
          responses: { 200: answer("the audit record", erasureRecord), 400: answer("not a request id", error), 404: answer("no such request", error) },
        },
      },
    },
    components: {
      securitySchemes: { functionKey: { type: "apiKey", in: "header", name: "x-functions-key" } },
      schemas: withoutIds(components.schemas),
    },
  };
  return stringify(doc, { lineWidth: 0 });
}

/** OpenAPI 3.0 schema objects have no `$id`; the component name is the id. */
function withoutIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutIds);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => k !== "$id").map(([k, v]) => [k, withoutIds(v)]));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(new URL("../docs/openapi.yaml", import.meta.url), renderOpenApi());
  console.log("wrote docs/openapi.yaml");
}
