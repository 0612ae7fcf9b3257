/**
 * Change pass vs full-day rebuilds, on one local stack: D days × N messages (default 90 × 1,000; the
 * issue's 90 × 10,000 with `--per-day 10000`), then 1% of all messages updated across the days and
 * 5% of today's. Prints, side by side, MongoDB documents read, lake bytes rewritten, wall time and
 * peak RSS for the hourly change pass and for rebuilding the same days from MongoDB (a backfill).
 *
 *   npx tsx scripts/bench-changes.ts [--days 90] [--per-day 1000]
 */
import { ObjectId, type Document } from "mongodb";
import { drainQueue } from "../lib/backfill/drain.js";
import { isJobFinished, readJobStatus } from "../lib/backfill/job-status.js";
import { parseBackfillRequest } from "../lib/backfill/request.js";
import { submitBackfill } from "../lib/backfill/submit.js";
import { runChangePass } from "../lib/changes/index.js";
import { getCollection } from "../lib/collections/index.js";
import { loadConfig } from "../lib/config.js";
import { closeMongoClients } from "../lib/extract/mongo-client.js";
import { loadTesterExclusion } from "../lib/extract/testers.js";
import { utcDay } from "../lib/load/lake-paths.js";
import { createLogger, memorySink } from "../lib/log.js";
import { createEtlContext, type EtlContext } from "../lib/pipeline/context.js";
import { runCollection } from "../lib/pipeline/run-collection.js";
import { startLocalStack, stackEnv } from "./local-stack/index.js";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const DAYS = arg("days", 90);
const PER_DAY = arg("per-day", 1000);
const DAY_MS = 86_400_000;
const NOW = new Date(Date.UTC(2026, 10, 30, 20, 0, 0));
const TODAY = Date.UTC(2026, 10, 30);

// A small seeded PRNG: the same lake every time.
let seed = 42;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);

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
    // Which documents the benchmark updates, drawn once (one indexed-free scan per update, not an $in of thousands).
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

function peakRss(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return { stop: () => (clearInterval(timer), Math.max(peak, process.memoryUsage().rss)) };
}

const mb = (n: number) => `${(n / 1_048_576).toFixed(1)} MB`;

async function main() {
  const stack = await startLocalStack();
  try {
    const config = loadConfig(stackEnv(stack, { MONGODB_DATABASE: "bench_changes", ETL_BATCH_SIZE: "2000", ETL_LEASE_SECONDS: "60" }));
    const ctx = await createEtlContext(config, createLogger(memorySink()));
    const db = await ctx.db();
    const col = db.collection("messages");
    const spec = getCollection("messages");
    console.log(`[bench-changes] ${DAYS} days × ${PER_DAY} messages (${DAYS * PER_DAY} documents), MongoDB: ${stack.mongoKind}`);

    let t = Date.now();
    const firstDay = TODAY - (DAYS - 1) * DAY_MS;
    for (let d = 0; d < DAYS; d++) {
      const dayStart = firstDay + d * DAY_MS;
      const span = d === DAYS - 1 ? 19 * 3_600_000 : DAY_MS; // today: up to 19:00
      const docs = Array.from({ length: PER_DAY }, (_, i) => message(dayStart + Math.floor((i / PER_DAY) * span)));
      await col.insertMany(docs, { ordered: false });
    }
    await col.createIndex({ updatedAt: 1, _id: 1 });
    await col.createIndex({ createdAt: 1, _id: 1 });
    console.log(`  generated in ${((Date.now() - t) / 1000).toFixed(1)} s`);

    t = Date.now();
    const load = await runCollection(ctx, spec, { now: NOW });
    console.log(`  initial load: ${load.extracted} documents in ${((Date.now() - t) / 1000).toFixed(1)} s (${load.outcome})`);
    const exclusion = await loadTesterExclusion(db);
    await runChangePass(ctx, spec, { now: NOW, exclusion }); // sets the change mark: nothing changed yet

    // 1% of all documents across the days, and 5% of today's, get a rating.
    const changedAt = new Date(NOW.getTime() + 10 * 60_000);
    const set = { $set: { rating: 4, feedback: "up", updatedAt: changedAt } };
    const before = await col.updateMany({ createdAt: { $lt: new Date(TODAY) }, benchDraw: { $lt: 0.01 } }, set);
    const today = await col.updateMany({ createdAt: { $gte: new Date(TODAY) }, benchDraw: { $lt: 0.05 } }, set);
    const ids = { length: before.modifiedCount + today.modifiedCount };
    const affectedDays = new Set<string>();
    for await (const d of col.find({ updatedAt: changedAt }, { projection: { createdAt: 1 } })) affectedDays.add(utcDay(d.createdAt as Date));
    console.log(`  updated ${ids.length} documents on ${affectedDays.size} days`);

    const later = new Date(NOW.getTime() + 3_600_000);
    let rss = peakRss();
    t = Date.now();
    const pass = await runChangePass(ctx, spec, { now: later, exclusion });
    const passMs = Date.now() - t;
    const passRss = rss.stop();
    const passBytes = await lakeBytes(ctx, "curated", (n) => n.includes("_changes_")) + (await lakeBytes(ctx, "raw", (n) => n.includes("_changes_")));
    const rewritten = pass.days.filter((d) => d.status === "rewritten").length;

    const days = [...affectedDays].sort();
    rss = peakRss();
    t = Date.now();
    const request = parseBackfillRequest({ collections: ["messages"], from: days[0], to: days.at(-1) }, later);
    if (!request.ok) throw new Error(request.problems.join("; "));
    const job = await submitBackfill(ctx, request.request, { now: later });
    await drainQueue(ctx, { until: () => isJobFinished(ctx, job.jobId), concurrency: 2, pollIntervalMs: 100, processingSeconds: 120 });
    const rebuildMs = Date.now() - t;
    const rebuildRss = rss.stop();
    const status = await readJobStatus(ctx, job.jobId);
    const rebuildBytes = (await lakeBytes(ctx, "curated", (n) => n.includes("_backfill_"))) + (await lakeBytes(ctx, "raw", (n) => n.includes("_backfill_")));

    const rows = [
      ["", "change pass", `rebuild of the ${days.length} days`],
      ["MongoDB documents read", String(pass.read), String(status?.documents ?? "?")],
      ["partitions rewritten", String(rewritten), String(status?.chunkCount ?? "?")],
      ["lake bytes written (raw + curated)", mb(passBytes), mb(rebuildBytes)],
      ["wall time", `${(passMs / 1000).toFixed(1)} s`, `${(rebuildMs / 1000).toFixed(1)} s`],
      ["peak RSS", mb(passRss), mb(rebuildRss)],
    ];
    const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const r of rows) console.log("  " + r.map((c, i) => c.padEnd(w[i]!)).join("  "));
    console.log(`  change pass: ${pass.changed} changed of ${pass.read} read (${pass.outcome}); one full day ≈ ${PER_DAY} documents read and rewritten`);
  } finally {
    await closeMongoClients();
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
