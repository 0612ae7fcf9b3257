/**
 * `npm run bench:drain -- [--messages N] [--bound B] [--days D]`: how a first window over a large
 * backlog drains at the window bound. Seeds N ~1 KB messages spread over D days (default 90) on the
 * local stack, then runs the hourly pipeline for messages with ETL_WINDOW_MAX_DOCS=B until it has
 * caught up, printing each run (documents, seconds, docs/s) and the total, plus the extrapolation to
 * 1M messages at the measured rate. Also times the hot-path helpers this lane changed against their
 * previous form (relaxed EJSON for JSON columns; the per-line invalid-date check).
 */
import { parseArgs } from "node:util";
import { BSON, Long, MongoClient, ObjectId, type Document } from "mongodb";
import { getCollection } from "../lib/collections/index.js";
import { loadConfig } from "../lib/config.js";
import { closeMongoClients } from "../lib/extract/mongo-client.js";
import { createLogger } from "../lib/log.js";
import { createEtlContext } from "../lib/pipeline/context.js";
import { runCollection } from "../lib/pipeline/run-collection.js";
import { hasUnreadableDate, toJsonText, toRawLine } from "../lib/transform/bson-values.js";
import { rng } from "./generate/dataset.js";
import { startLocalStack, stackEnv } from "./local-stack/index.js";

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "100000" },
    bound: { type: "string", default: "500000" },
    days: { type: "string", default: "90" },
  },
});
const total = Number(values.messages);
const bound = Number(values.bound);
const days = Number(values.days);

function hotPath(): void {
  const doc: Document = { a: { b: [1, 2, { c: "text ".repeat(40) }], n: Long.fromNumber(42) }, tokens: { prompt: 120, completion: 240 }, tags: ["x", "y"] };
  const raw = { _id: new ObjectId(), text: "x".repeat(900), createdAt: new Date(), nested: doc };
  const n = 200_000;
  const time = (label: string, fn: () => unknown) => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    const ms = performance.now() - t0;
    console.log(`  ${label}: ${((ms * 1000) / n).toFixed(2)} µs per call`);
  };
  console.log(`Hot path, ${n} calls each:`);
  time("JSON column, before (EJSON relaxed)", () => BSON.EJSON.stringify(doc, { relaxed: true }));
  time("JSON column, after (Longs past 2^53 kept exact)", () => toJsonText(doc));
  const line = toRawLine(raw);
  time("raw line, before (EJSON canonical)", () => toRawLine(raw));
  time("raw line, after (+ invalid-date check)", () => hasUnreadableDate(toRawLine(raw)) || line.length);
}

const stack = await startLocalStack();
try {
  hotPath();
  const database = `drain_${Date.now().toString(36)}`;
  const env = stackEnv(stack, {
    MONGODB_DATABASE: database,
    LAKE_RAW_CONTAINER: `raw-${database}`.replace(/_/g, "-"),
    LAKE_CURATED_CONTAINER: `curated-${database}`.replace(/_/g, "-"),
    LAKE_QUARANTINE_CONTAINER: `quarantine-${database}`.replace(/_/g, "-"),
    STATE_LOCKS_CONTAINER: `locks-${database}`.replace(/_/g, "-"),
    STATE_WATERMARKS_TABLE: `wm${database.replace(/_/g, "")}`,
    STATE_RUNS_TABLE: `runs${database.replace(/_/g, "")}`,
    ETL_WINDOW_MAX_DOCS: String(bound),
    ETL_INITIAL_LOOKBACK_DAYS: String(days + 1),
  });
  const client = await new MongoClient(stack.mongoUri).connect();
  const coll = client.db(database).collection("messages");
  const random = rng(11);
  const now = Date.now();
  const seeded = Date.now();
  let batch: Document[] = [];
  for (let i = 0; i < total; i++) {
    const createdAt = new Date(now - days * 86_400_000 + Math.floor(random() * (days * 86_400_000 - 600_000)));
    batch.push({
      _id: new ObjectId(), userId: new ObjectId(), category: ["activity", "question", "profilechat", "system"][i % 4], courseId: "BIO101",
      studentMessage: "How does photosynthesis turn light into chemical energy in the chloroplast? ".repeat(5),
      aiResponse: "Light reactions split water and make ATP and NADPH; the Calvin cycle fixes CO2 into sugar. ".repeat(5),
      createdAt, respondedAt: new Date(createdAt.getTime() + 2500), model: "gpt-4o", rating: 1 + (i % 5), tokens: { prompt: 120, completion: 240 },
    });
    if (batch.length === 5000) {
      await coll.insertMany(batch);
      batch = [];
    }
  }
  if (batch.length) await coll.insertMany(batch);
  await coll.createIndex({ createdAt: 1, _id: 1 });
  await client.close();
  console.log(`Seeded ${total} messages over ${days} days in ${((Date.now() - seeded) / 1000).toFixed(1)} s; window bound ${bound} documents`);

  const ctx = await createEtlContext(loadConfig(env), createLogger(() => undefined));
  const started = Date.now();
  let moved = 0;
  for (let run = 1; run <= 1000; run++) {
    const t0 = Date.now();
    const s = await runCollection(ctx, getCollection("messages"));
    const sec = (Date.now() - t0) / 1000;
    moved += s.rawRows;
    console.log(`run ${run}: ${s.outcome}${s.error ? ` (${s.error})` : ""}, ${s.rawRows} docs in ${sec.toFixed(1)} s (${(s.rawRows / sec).toFixed(0)} docs/s), caught up: ${s.caughtUp}`);
    if (s.outcome !== "success" || s.caughtUp) break;
  }
  const sec = (Date.now() - started) / 1000;
  const rate = moved / sec;
  console.log(`Drained ${moved} of ${total} in ${sec.toFixed(1)} s (${rate.toFixed(0)} docs/s of pipeline time)`);
  const runs1M = Math.ceil(1_000_000 / bound);
  console.log(`Extrapolated: 1M messages at ${rate.toFixed(0)} docs/s = ${(1_000_000 / rate / 60).toFixed(1)} min of pipeline time in ${runs1M} bounded runs ` +
    `(${runs1M} hourly cycles on the timer, each run ${(bound / rate / 60).toFixed(1)} min)`);
} finally {
  await closeMongoClients();
  await stack.stop();
}
