/**
 * Change pass vs a full-day rebuild, on one local stack: D days × N messages (default the issue's
 * 90 × 10,000), 1% of all messages updated across the days and 5% of today's. Prints, side by side,
 * MongoDB documents read, lake bytes written, wall time and peak RSS for the hourly change pass and
 * for rebuilding one full day from MongoDB (a one-day backfill), plus that rebuild times the days the
 * change pass touched (computed, labelled so).
 *
 * Set-up, not measured: MongoDB gets the documents as they are after the updates; the lake gets
 * what the hourly path had written before them — each day's files made by the app's own document
 * sink (raw line → curated row), the watermark and change mark committed as those runs would have.
 * This skips reading 900k documents back through FerretDB, which scans its table for every query
 * (no index use) and on this shared 2-core machine took longer than the session had. The insert
 * path's own cost is `npm run bench:etl`.
 *
 * The two measured steps each run in a child process of their own (`--phase`), so the peak RSS is
 * the kernel's figure for that step alone (process start included).
 *
 *   npx tsx scripts/bench-changes.ts [--days 90] [--per-day 10000] [--node-flags "--max-old-space-size=128"]
 *
 * `--node-flags`: Node options for the two measured processes (e.g. the capped heap of BENCHMARKS.md);
 * `--changes-only`: measure the change pass alone (no rebuild, no bare query).
 */
import { fileURLToPath } from "node:url";
import { BSON, ObjectId, type Document } from "mongodb";
import { atOrBefore } from "../lib/backfill/day-filter.js";
import { drainQueue } from "../lib/backfill/drain.js";
import { isJobFinished, readJobStatus } from "../lib/backfill/job-status.js";
import { parseBackfillRequest } from "../lib/backfill/request.js";
import { submitBackfill } from "../lib/backfill/submit.js";
import { changeSort, changeWindowFilter, MAX_CHANGES_PER_PASS, runChangePass } from "../lib/changes/index.js";
import { getCollection } from "../lib/collections/index.js";
import { loadConfig } from "../lib/config.js";
import { closeMongoClients } from "../lib/extract/mongo-client.js";
import { loadTesterExclusion } from "../lib/extract/testers.js";
import { documentReadOptions } from "../lib/extract/decode-document.js";
import { newWindowId, utcDay } from "../lib/load/lake-paths.js";
import { createLogger, memorySink } from "../lib/log.js";
import { createEtlContext, type EtlContext } from "../lib/pipeline/context.js";
import { DocumentSink, fillSink } from "../lib/rewrite/index.js";
import { ChangeMarkStore } from "../lib/state/change-marks.js";
import { WatermarkStore } from "../lib/state/watermarks.js";
import { startLocalStack, stackEnv } from "./local-stack/index.js";
import { arg, reportPhase, runMainOrPhase, runPhaseChild, type Measured } from "./bench/phase-child.js";
import { printTable } from "./bench/table.js";

const DAYS = Number(arg("days", "90"));
const NODE_FLAGS = arg("node-flags", "").split(" ").filter(Boolean);
const PER_DAY = Number(arg("per-day", "10000"));
const DAY_MS = 86_400_000;
const NOW = new Date(Date.UTC(2026, 10, 30, 20, 0, 0));
const LATER = new Date(NOW.getTime() + 3_600_000);
const TODAY = Date.UTC(2026, 10, 30);
/** Documents per insertMany, and how many are in flight: FerretDB writes each in its own transaction. */
const SEED_BATCH = 10_000;
const SEED_PARALLEL = 2;
// Settings of the app under test.
const APP_ENV = { MONGODB_DATABASE: "bench_changes", ETL_BATCH_SIZE: "2000", ETL_LEASE_SECONDS: "60" };

// A small seeded PRNG: the same lake every time.
let prng = 42;
const random = () => ((prng = (prng * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);

let counter = 0;
/** An ObjectId made at `ms`, unique: the time prefix as the app's driver would, then a counter. */
const idAt = (ms: number) => new ObjectId(Math.floor(ms / 1000).toString(16).padStart(8, "0") + (counter++).toString(16).padStart(16, "0"));

function message(createdMs: number): Document {
  const createdAt = new Date(createdMs);
  return {
    _id: idAt(createdMs),
    userId: new ObjectId(),
    category: random() < 0.7 ? "question" : "system",
    createdAt,
    updatedAt: createdAt,
    respondedAt: new Date(createdMs + 3_000),
    studentMessage: "How do enzymes lower the activation energy of a reaction, and what limits their rate?",
    aiResponse: "They stabilise the transition state and orient substrates; saturation of active sites limits the rate (Vmax).",
    model: "gpt-4o-mini",
    // Which documents the benchmark updates, drawn once (one scan per update, not an $in of thousands).
    benchDraw: random(),
  };
}

async function lakeBytes(ctx: EtlContext, zone: "raw" | "curated" | "quarantine", match: (name: string) => boolean): Promise<number> {
  let bytes = 0;
  for await (const b of ctx.storage.lake.getContainerClient(ctx.config.containers[zone]).listBlobsFlat({ prefix: "messages/" })) {
    if (match(b.name)) bytes += b.properties.contentLength ?? 0;
  }
  return bytes;
}

const mb = (n: number) => `${(n / 1_048_576).toFixed(1)} MB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const elapsed = (t: number) => secs(Date.now() - t);

/** 1% of all messages and 5% of today's are updated (drawn once per document). */
const isUpdated = (doc: Document, today: boolean) => (doc.benchDraw as number) < (today ? 0.05 : 0.01);
const CHANGED_AT = new Date(NOW.getTime() + 10 * 60_000);

/**
 * D days of messages. MongoDB gets each document as it is after the updates (inserted unordered in
 * large batches, a few in flight); the lake gets, per day, the version the hourly path wrote before
 * them, through the app's document sink. Then the watermark and change mark those runs committed.
 */
async function seed(ctx: EtlContext): Promise<{ inMongo: number; updated: number; mongoMs: number; lakeMs: number }> {
  const spec = getCollection("messages");
  const col = (await ctx.db()).collection("messages");
  const target = { lake: ctx.storage.lake, containers: ctx.config.containers, compression: ctx.config.etl.parquetCompression };
  const firstDay = TODAY - (DAYS - 1) * DAY_MS;
  const windowId = newWindowId(NOW);
  let updated = 0;
  let last: Document | undefined;
  let mongoMs = 0;
  let lakeMs = 0;
  let inserting: Promise<unknown> = Promise.resolve();
  for (let d = 0; d < DAYS; d++) {
    const dayStart = firstDay + d * DAY_MS;
    const today = d === DAYS - 1;
    const span = today ? 19 * 3_600_000 : DAY_MS; // today: up to 19:00
    const docs = Array.from({ length: PER_DAY }, (_, i) => message(dayStart + Math.floor((i / PER_DAY) * span)));
    last = docs.at(-1);
    const current = docs.map((doc) => (isUpdated(doc, today) ? (updated++, { ...doc, rating: 4, feedback: "up", updatedAt: CHANGED_AT }) : doc));
    // MongoDB's insert of this day runs while the lake files of the day are written.
    const started = Date.now();
    await inserting;
    inserting = (async () => {
      for (let i = 0; i < current.length; i += SEED_BATCH * SEED_PARALLEL) {
        await Promise.all(Array.from({ length: SEED_PARALLEL }, (_, k) => current.slice(i + k * SEED_BATCH, i + (k + 1) * SEED_BATCH)).filter((b) => b.length > 0).map((b) => col.insertMany(b, { ordered: false })));
      }
      mongoMs += Date.now() - started;
    })();
    const lakeStarted = Date.now();
    const sink = new DocumentSink(target, spec, utcDay(new Date(dayStart)), windowId, ctx.log);
    // As the extractor reads them (lib/extract/decode-document.ts documentReadOptions).
    await fillSink(sink, async (s) => {
      for (const doc of docs) await s.write(BSON.deserialize(BSON.serialize(doc), documentReadOptions));
    });
    lakeMs += Date.now() - lakeStarted;
    if (d % 10 === 9) console.log(`    ${d + 1} days seeded`);
  }
  await inserting;
  await col.createIndex({ updatedAt: 1, _id: 1 });
  await col.createIndex({ createdAt: 1, _id: 1 });

  // What the hourly runs committed: the insert window up to the last document, changes up to then.
  const watermarks = new WatermarkStore(ctx.storage.table(ctx.config.tables.watermarks));
  const upper = new Date(NOW.getTime() - ctx.config.etl.settleDelayMs);
  await watermarks.write(await watermarks.read("messages"), { collection: "messages", last: { createdAt: last!.createdAt as Date, id: last!._id }, windowUpper: upper });
  const marks = new ChangeMarkStore(ctx.storage.table(ctx.config.tables.watermarks));
  await marks.write(await marks.read("messages"), { collection: "messages", last: { changedAt: upper, id: new ObjectId("f".repeat(24)) } });
  return { inMongo: DAYS * PER_DAY, updated, mongoMs, lakeMs };
}

/** The change pass's cursor (lib/changes/run-changes.ts) drained with the driver and nothing else. */
async function bareChangeQuery(ctx: EtlContext): Promise<{ read: number; ms: number }> {
  const wm = await new WatermarkStore(ctx.storage.table(ctx.config.tables.watermarks)).read("messages");
  // The mark as it was before the pass: the seeded one.
  const before = { changedAt: new Date(NOW.getTime() - ctx.config.etl.settleDelayMs), id: new ObjectId("f".repeat(24)) };
  const filter = changeWindowFilter("updatedAt", before, NOW, new Date(LATER.getTime() - ctx.config.etl.settleDelayMs), [{ createdAt: { $type: "date" } }, atOrBefore(wm.last!)]);
  const t = Date.now();
  let read = 0;
  const cursor = (await ctx.db()).collection("messages").find(filter, { sort: changeSort("updatedAt"), limit: MAX_CHANGES_PER_PASS, batchSize: ctx.config.etl.batchSize, promoteValues: false });
  for await (const _ of cursor) read++;
  return { read, ms: Date.now() - t };
}

interface PhaseResult {
  read: number;
  changed?: number;
  partitions: number;
  wallMs: number;
  outcome: string;
}

/** Child process: one measured step against the stack in the environment. */
async function phase(name: string): Promise<void> {
  const ctx = await createEtlContext(loadConfig(process.env), createLogger(memorySink()));
  const spec = getCollection("messages");
  const t = Date.now();
  let result: PhaseResult;
  if (name === "changes") {
    const exclusion = await loadTesterExclusion(await ctx.db());
    const pass = await runChangePass(ctx, spec, { now: LATER, exclusion });
    result = { read: pass.read, changed: pass.changed, partitions: pass.days.filter((d) => d.status === "rewritten").length, wallMs: Date.now() - t, outcome: pass.error ?? pass.outcome };
  } else {
    const day = arg("day", "");
    const request = parseBackfillRequest({ collections: ["messages"], from: day, to: day }, LATER);
    if (!request.ok) throw new Error(request.problems.join("; "));
    const job = await submitBackfill(ctx, request.request, { now: LATER });
    await drainQueue(ctx, { until: () => isJobFinished(ctx, job.jobId), concurrency: 1, pollIntervalMs: 100, processingSeconds: 600 });
    const status = await readJobStatus(ctx, job.jobId);
    result = { read: status?.documents ?? -1, partitions: status?.chunkCount ?? -1, wallMs: Date.now() - t, outcome: status?.status ?? "?" };
  }
  await closeMongoClients();
  reportPhase(result);
}

function runPhase(name: string, env: Record<string, string>, extra: string[] = []): Promise<Measured<PhaseResult>> {
  return runPhaseChild<PhaseResult>(fileURLToPath(import.meta.url), name, env, extra, NODE_FLAGS);
}

async function main() {
  // FerretDB inserts 100 documents per transaction unless told more: seeding 900k goes 10× faster.
  process.env.FERRETDB_TEST_BATCH_SIZE ??= "5000";
  const stack = await startLocalStack();
  try {
    const env = stackEnv(stack, APP_ENV);
    const ctx = await createEtlContext(loadConfig(env), createLogger(memorySink()));
    console.log(`[bench-changes] ${DAYS} days × ${PER_DAY} messages (${DAYS * PER_DAY} documents), MongoDB: ${stack.mongoKind}${NODE_FLAGS.length ? `, measured processes with ${NODE_FLAGS.join(" ")}` : ""}`);

    let t = Date.now();
    const seeded = await seed(ctx);
    console.log(`  seeded in ${elapsed(t)}: ${seeded.inMongo} documents in MongoDB (${seeded.updated} of them updated; insert ${secs(seeded.mongoMs)}), the lake's days before the updates (${secs(seeded.lakeMs)})`);
    await closeMongoClients();

    const rawBefore = await lakeBytes(ctx, "raw", () => true);
    const pass = await runPhase("changes", env);
    const passBytes = (await lakeBytes(ctx, "curated", (n) => n.includes("_changes_"))) + (await lakeBytes(ctx, "raw", (n) => n.includes("_changes_")));
    console.log(`  change pass: ${JSON.stringify(pass)}`);

    if (process.argv.includes("--changes-only")) return;

    // One full past day (not today's partial one), rebuilt from MongoDB as a backfill does.
    const day = utcDay(new Date(TODAY - DAY_MS));
    const rebuild = await runPhase("rebuild", env, ["--day", day]);
    const rebuildBytes = (await lakeBytes(ctx, "curated", (n) => n.includes("_backfill_"))) + (await lakeBytes(ctx, "raw", (n) => n.includes("_backfill_")));
    console.log(`  rebuild of ${day}: ${JSON.stringify(rebuild)}`);

    t = Date.now();
    const scan = await bareChangeQuery(ctx);
    console.log(`  the change pass's MongoDB query alone (driver drain, same filter and sort): ${scan.read} documents in ${secs(scan.ms)}`);

    const n = pass.partitions;
    const rows = [
      ["", "change pass", `rebuild of 1 full day (${day})`, `× ${n} days (computed)`],
      ["MongoDB documents read", String(pass.read), String(rebuild.read), String(rebuild.read * n)],
      ["partitions rewritten", String(n), String(rebuild.partitions), String(n)],
      ["lake bytes written (raw + curated)", mb(passBytes), mb(rebuildBytes), mb(rebuildBytes * n)],
      ["wall time", secs(pass.wallMs), secs(rebuild.wallMs), secs(rebuild.wallMs * n)],
      ["  of which the MongoDB query (FerretDB: a table scan)", secs(scan.ms), "", ""],
      ["peak RSS (own process)", mb(pass.maxRssBytes), mb(rebuild.maxRssBytes), "—"],
    ];
    printTable(rows);
    console.log(`  change pass: ${pass.changed} changed of ${pass.read} read (${pass.outcome}); raw before the pass ${mb(rawBefore)}; rebuild ${rebuild.outcome}`);
  } finally {
    await closeMongoClients();
    await stack.stop();
  }
}

runMainOrPhase(main, phase);
