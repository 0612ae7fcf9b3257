/**
 * What keeping raw's history costs a rebuild: one day of N messages whose raw files hold V
 * versions of each (V−1 older ones and the current one, which MongoDB also has), rebuilt from
 * MongoDB as a backfill chunk does — once carrying the superseded raw files' history
 * (lib/rewrite/carry-history.ts), once without (the old behaviour) — each in a child process of its
 * own, so the peak RSS is the kernel's figure for that rebuild alone (process start included).
 * Prints lines read and written, wall time and peak RSS side by side.
 *
 *   npx tsx scripts/bench-rebuild-history.ts [--docs 20000] [--versions 3]
 */
import { fileURLToPath } from "node:url";
import { ObjectId, type Document } from "mongodb";
import { committedDayFilter } from "../lib/backfill/day-filter.js";
import { getCollection } from "../lib/collections/index.js";
import { loadConfig } from "../lib/config.js";
import { closeMongoClients } from "../lib/extract/mongo-client.js";
import type { LakeTarget } from "../lib/load/partition-files.js";
import { createLogger, memorySink } from "../lib/log.js";
import { createEtlContext, type EtlContext } from "../lib/pipeline/context.js";
import { DocumentSink, fillSink, rebuildDay } from "../lib/rewrite/index.js";
import { WatermarkStore } from "../lib/state/watermarks.js";
import { startLocalStack, stackEnv } from "./local-stack/index.js";
import { arg, reportPhase, runMainOrPhase, runPhaseChild, type Measured } from "./bench/phase-child.js";
import { printTable } from "./bench/table.js";

const DOCS = Number(arg("docs", "20000"));
const VERSIONS = Number(arg("versions", "3"));
const DAY = "2026-11-29";
const START = Date.parse(`${DAY}T00:00:00Z`);
const NOW = new Date("2026-11-30T20:00:00Z");
const APP_ENV = { MONGODB_DATABASE: "bench_rebuild_history", ETL_BATCH_SIZE: "2000", ETL_LEASE_SECONDS: "60" };
const spec = getCollection("messages");

let counter = 0;
const idAt = (ms: number) => new ObjectId(Math.floor(ms / 1000).toString(16).padStart(8, "0") + (counter++).toString(16).padStart(16, "0"));

/** Version `v` (1-based) of document `i` of the day. */
function version(base: Document, v: number): Document {
  return { ...base, updatedAt: new Date((base.createdAt as Date).getTime() + v * 60_000), rating: v };
}

const target = (ctx: EtlContext): LakeTarget => ({
  lake: ctx.storage.lake,
  containers: { raw: ctx.config.containers.raw, curated: ctx.config.containers.curated, quarantine: ctx.config.containers.quarantine },
  compression: ctx.config.etl.parquetCompression,
});

async function seed(ctx: EtlContext): Promise<string[]> {
  const bases = Array.from({ length: DOCS }, (_, i) => {
    const createdAt = new Date(START + Math.floor((i * 86_000_000) / DOCS));
    return {
      _id: idAt(createdAt.getTime()),
      userId: new ObjectId(),
      category: "question",
      createdAt,
      respondedAt: new Date(createdAt.getTime() + 3_000),
      studentMessage: "How do enzymes lower the activation energy of a reaction, and what limits their rate?",
      aiResponse: "They stabilise the transition state; the rate is limited by substrate concentration and turnover.",
    };
  });
  const db = await ctx.db();
  for (let i = 0; i < bases.length; i += 5_000) await db.collection("messages").insertMany(bases.slice(i, i + 5_000).map((b) => version(b, VERSIONS)));
  const files: string[] = [];
  for (let v = 1; v <= VERSIONS; v++) {
    const { written } = await fillSink(new DocumentSink(target(ctx), spec, DAY, `seed_v${v}`, ctx.log), async (sink) => {
      for (const b of bases) await sink.recordRaw(version(b, v));
    });
    files.push(...written.map((f) => f.blobName));
  }
  const last = bases.at(-1)!;
  const watermarks = new WatermarkStore(ctx.storage.table(ctx.config.tables.watermarks));
  await watermarks.write(await watermarks.read("messages"), { collection: "messages", last: { createdAt: last.createdAt, id: last._id }, windowUpper: NOW });
  return files;
}

interface PhaseResult {
  rawLinesRead: number;
  rawLinesWritten: number;
  curatedRows: number;
  wallMs: number;
}

async function phase(name: string): Promise<void> {
  const ctx = await createEtlContext(loadConfig(process.env), createLogger(memorySink()));
  const files = arg("files", "").split(",").filter(Boolean);
  const wm = await new WatermarkStore(ctx.storage.table(ctx.config.tables.watermarks)).read("messages");
  const t = Date.now();
  const result = await rebuildDay({
    db: await ctx.db(),
    target: target(ctx),
    spec,
    day: DAY,
    fileId: `bench_${name}`,
    timed: committedDayFilter(DAY, wm.last),
    supersededRaw: name === "with-history" ? files : [],
    now: NOW,
    batchSize: ctx.config.etl.batchSize,
    log: ctx.log,
  });
  const out: PhaseResult = {
    rawLinesRead: name === "with-history" ? DOCS * VERSIONS : 0,
    rawLinesWritten: result.written.find((f) => f.zone === "raw")?.count ?? 0,
    curatedRows: result.counts.curatedRows,
    wallMs: Date.now() - t,
  };
  await closeMongoClients();
  reportPhase(out);
}

function runPhase(name: string, env: Record<string, string>, files: string[]): Promise<Measured<PhaseResult>> {
  return runPhaseChild<PhaseResult>(fileURLToPath(import.meta.url), name, env, ["--files", files.join(","), "--docs", String(DOCS), "--versions", String(VERSIONS)]);
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main() {
  process.env.FERRETDB_TEST_BATCH_SIZE ??= "5000";
  const stack = await startLocalStack();
  try {
    const env = stackEnv(stack, APP_ENV);
    const ctx = await createEtlContext(loadConfig(env), createLogger(memorySink()));
    console.log(`[bench-rebuild-history] ${DAY}: ${DOCS} messages × ${VERSIONS} versions in raw (${DOCS * VERSIONS} lines), MongoDB: ${stack.mongoKind}`);
    const t = Date.now();
    const files = await seed(ctx);
    console.log(`  seeded in ${secs(Date.now() - t)}`);
    await closeMongoClients();
    const without = await runPhase("without-history", env, files);
    const withHistory = await runPhase("with-history", env, files);
    const rows = [
      ["", "rebuild, history carried", "rebuild from MongoDB only (before)"],
      ["raw lines of the superseded files read", String(withHistory.rawLinesRead), String(without.rawLinesRead)],
      ["raw lines written", String(withHistory.rawLinesWritten), String(without.rawLinesWritten)],
      ["curated rows written", String(withHistory.curatedRows), String(without.curatedRows)],
      ["wall time", secs(withHistory.wallMs), secs(without.wallMs)],
      ["peak RSS (own process)", mb(withHistory.maxRssBytes), mb(without.maxRssBytes)],
    ];
    printTable(rows);
  } finally {
    await closeMongoClients();
    await stack.stop();
  }
}

runMainOrPhase(main, phase);
