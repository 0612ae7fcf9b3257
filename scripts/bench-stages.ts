/**
 * `npx tsx scripts/bench-stages.ts [--docs N] [--rounds R]`: the CPU of each per-document stage of
 * the hourly path, in one process and without servers, so stages compare steadily on a shared box:
 * BSON decoding as the driver does it (promoteValues: false), the raw line (canonical Extended
 * JSON), curation (typed row + quality score) and the curated Parquet writer (SNAPPY, into a sink).
 * CPU is the process's (all threads: GC helpers and the compiler included), per 10k documents, the
 * median of R rounds; "scavenges" counts young-generation collections, a proxy for allocation.
 */
import { PassThrough } from "node:stream";
import { PerformanceObserver } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { BSON, ObjectId, type Document } from "mongodb";
import { curatedColumns, getCollection } from "../lib/collections/index.js";
import { documentReadOptions } from "../lib/extract/decode-document.js";
import { FlatParquetWriter } from "../lib/load/parquet-rows.js";
import { parquetSchema } from "../lib/load/parquet-schema.js";
import { curate, type CuratedRow } from "../lib/transform/curated-row.js";
import { toRawLine } from "../lib/transform/bson-values.js";
import { rng } from "./generate/dataset.js";

const { values } = parseArgs({ options: { docs: { type: "string", default: "20000" }, rounds: { type: "string", default: "5" } } });
const n = Number(values.docs);
const rounds = Number(values.rounds);
const spec = getCollection("messages");

// The bench-etl messages (scripts/bench/seed-messages.ts), as BSON bytes the driver would receive.
const text = "How do enzymes lower activation energy in a reaction? ".repeat(6);
const answer = "Enzymes lower the activation energy by stabilising the transition state, orienting substrates and straining bonds. ".repeat(5);
const CATEGORIES = ["activity", "question", "profilechat", "system"];
const random = rng(7);
const bytes: Uint8Array[] = [];
for (let i = 0; i < n; i++) {
  const createdAt = new Date(Date.now() - Math.floor(random() * 3 * 86_400_000));
  bytes.push(BSON.serialize({
    _id: new ObjectId(), userId: new ObjectId(), category: CATEGORIES[i % 4], courseId: "BIO101", sessionId: `s${i >> 4}`,
    studentMessage: text, aiResponse: answer, createdAt, respondedAt: new Date(createdAt.getTime() + 2500), model: "gpt-4o",
    rating: 1 + (i % 5), flagged: false, tokens: { prompt: 120, completion: 240 },
  }));
}

let scavenges = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if ((e as unknown as { detail?: { kind?: number } }).detail?.kind === 1) scavenges++;
}).observe({ entryTypes: ["gc"] });

async function measure(fn: () => Promise<void> | void): Promise<{ cpu: number; gc: number }> {
  const gc0 = scavenges;
  const t0 = process.cpuUsage();
  await fn();
  await new Promise((r) => setImmediate(r)); // let the observer see the last collections
  const t = process.cpuUsage(t0);
  return { cpu: (t.user + t.system) / 1e6, gc: scavenges - gc0 };
}

let docs: Document[] = [];
let rows: CuratedRow[] = [];
const stages: Record<string, () => Promise<void> | void> = {
  "decode (driver's BSON → document)": () => {
    docs = bytes.map((b) => BSON.deserialize(b, documentReadOptions));
  },
  "raw line (canonical EJSON)": () => {
    let slice: string[] = [];
    for (const doc of docs) {
      slice.push(toRawLine(doc) + "\n");
      if (slice.length === 200) slice = [slice.join("")].slice(1);
    }
  },
  "curate (typed row + quality)": () => {
    rows = docs.map((doc) => {
      const c = curate(spec, doc, "20261201_000000_abcdef");
      if ("rejected" in c) throw new Error(c.rejected);
      return c.row;
    });
  },
  "curated Parquet (SNAPPY)": async () => {
    const sink = new PassThrough();
    sink.resume();
    const writer = await FlatParquetWriter.openStream(parquetSchema(curatedColumns(spec), "SNAPPY"), sink, { rowGroupSize: 5000 });
    for (const row of rows) await writer.appendRow(row);
    await writer.close();
  },
};

const results = new Map<string, { cpu: number; gc: number }[]>();
for (let r = 0; r < rounds; r++) {
  for (const [name, fn] of Object.entries(stages)) {
    const m = await measure(fn);
    results.set(name, [...(results.get(name) ?? []), m]);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`${n} messages, median of ${rounds} rounds (round 1 includes JIT warm-up)\n${"stage".padEnd(36)} ${"CPU-s/10k".padStart(10)} ${"round 1".padStart(8)} ${"scavenges".padStart(10)}`);
let total = 0;
for (const [name, ms] of results) {
  const per = (x: number) => (x * 10_000) / n;
  total += per(median(ms.map((m) => m.cpu)));
  console.log(`${name.padEnd(36)} ${per(median(ms.map((m) => m.cpu))).toFixed(3).padStart(10)} ${per(ms[0]!.cpu).toFixed(3).padStart(8)} ${String(median(ms.map((m) => m.gc))).padStart(10)}`);
}
console.log(`${"sum".padEnd(36)} ${total.toFixed(3).padStart(10)}`);
