/**
 * `npm run bench:etl [-- <messages>]`: docs/s and peak memory of one `npm run etl --collection
 * messages` (a child process, the real CLI) over N generated messages (default 100,000) on the
 * local stack. Peak RSS is the child's VmHWM from /proc; run it at two sizes to see that memory
 * does not grow with the window.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { MongoClient, ObjectId, type Document } from "mongodb";
import { loadConfig } from "../lib/config.js";
import { rng } from "./generate/dataset.js";
import { startLocalStack, stackEnv } from "./local-stack/index.js";

const count = Number(process.argv[2] ?? 100_000);

function peakRssMb(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function main() {
  const stack = await startLocalStack();
  try {
    const env = stackEnv(stack, { MONGODB_DATABASE: "bench" });
    const config = loadConfig(env);
    const client = await new MongoClient(config.mongo.uri).connect();
    const coll = client.db(config.mongo.database).collection("messages");
    const random = rng(7);
    const now = Date.now();
    const text = "How do enzymes lower activation energy in a reaction? ".repeat(6);
    const answer = "Enzymes lower the activation energy by stabilising the transition state, orienting substrates and straining bonds. ".repeat(5);
    let batch: Document[] = [];
    const loadStart = Date.now();
    for (let i = 0; i < count; i++) {
      const createdAt = new Date(now - 3 * 86_400_000 + Math.floor(random() * 3 * 86_400_000 - 600_000));
      batch.push({
        _id: new ObjectId(), userId: new ObjectId(), category: ["activity", "question", "profilechat", "system"][i % 4],
        courseId: "BIO101", sessionId: `s${i >> 4}`, studentMessage: text, aiResponse: answer, createdAt,
        respondedAt: new Date(createdAt.getTime() + 2500), model: "gpt-4o", rating: 1 + (i % 5), flagged: false,
        tokens: { prompt: 120, completion: 240 },
      });
      if (batch.length === 5000) {
        await coll.insertMany(batch);
        batch = [];
      }
    }
    if (batch.length) await coll.insertMany(batch);
    await coll.createIndex({ createdAt: 1, _id: 1 });
    await client.close();
    console.log(`Seeded ${count} messages (~1 KB each) in ${((Date.now() - loadStart) / 1000).toFixed(1)} s into ${stack.mongoKind}`);

    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/etl.ts", "--collection", "messages"], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "ignore", "inherit"],
    });
    let peak = 0;
    const timer = setInterval(() => (peak = Math.max(peak, peakRssMb(child.pid!))), 100);
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    clearInterval(timer);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (code !== 0) throw new Error(`the ETL child exited with ${code}; no figures`);
    console.log(`npm run etl --collection messages: ${seconds.toFixed(1)} s wall (process start included)`);
    console.log(`throughput: ${Math.round(count / seconds)} docs/s; peak RSS: ${peak.toFixed(0)} MB`);
  } finally {
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
