import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { MongoClient, ObjectId, type Document } from "mongodb";
import { rng } from "../generate/dataset.js";

const text = "How do enzymes lower activation energy in a reaction? ".repeat(6);
const answer = "Enzymes lower the activation energy by stabilising the transition state, orienting substrates and straining bonds. ".repeat(5);
const CATEGORIES = ["activity", "question", "profilechat", "system"];

/**
 * An _id as the app's driver makes it at insert: its time is the document's createdAt (a counter
 * keeps the ids of one seeding unique).
 */
function idAt(createdAt: Date, i: number): ObjectId {
  return new ObjectId(Math.floor(createdAt.getTime() / 1000).toString(16).padStart(8, "0") + i.toString(16).padStart(16, "0"));
}

export interface SeedOptions {
  /** Also write the rows as plain JSON lines (ids as hex, dates as ISO): the DuckDB reference's input. */
  jsonlPath?: string;
  /**
   * Ids made now, not at createdAt: every document lies off its ObjectId's day (a migrated
   * collection), the worst case for the off-day placement records (lib/changes/placements.ts).
   */
  offDayIds?: boolean;
}

/**
 * `count` ~1 KB messages over the last three days (the same every time for a seed), inserted into
 * `database.messages` with the extraction index.
 */
export async function seedMessages(uri: string, database: string, count: number, options: SeedOptions = {}): Promise<number> {
  const { jsonlPath, offDayIds = false } = options;
  const started = Date.now();
  const client = await new MongoClient(uri).connect();
  const jsonl = jsonlPath ? createWriteStream(jsonlPath) : undefined;
  try {
    const coll = client.db(database).collection("messages");
    const random = rng(7);
    const now = Date.now();
    let batch: Document[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      await coll.insertMany(batch);
      if (jsonl && !jsonl.write(batch.map((d) => JSON.stringify(d)).join("\n") + "\n")) await once(jsonl, "drain");
      batch = [];
    };
    for (let i = 0; i < count; i++) {
      const createdAt = new Date(now - 3 * 86_400_000 + Math.floor(random() * 3 * 86_400_000 - 600_000));
      batch.push({
        _id: offDayIds ? new ObjectId() : idAt(createdAt, i), userId: new ObjectId(), category: CATEGORIES[i % 4],
        courseId: "BIO101", sessionId: `s${i >> 4}`, studentMessage: text, aiResponse: answer, createdAt,
        respondedAt: new Date(createdAt.getTime() + 2500), model: "gpt-4o", rating: 1 + (i % 5), flagged: false,
        tokens: { prompt: 120, completion: 240 },
      });
      if (batch.length === 5000) await flush();
    }
    await flush();
    await coll.createIndex({ createdAt: 1, _id: 1 });
  } finally {
    await client.close();
    if (jsonl) {
      jsonl.end();
      await once(jsonl, "close");
    }
  }
  return (Date.now() - started) / 1000;
}

export async function dropDatabase(uri: string, database: string): Promise<void> {
  const client = await new MongoClient(uri).connect();
  try {
    await client.db(database).dropDatabase();
  } finally {
    await client.close();
  }
}
