/**
 * Bench child: the CLI's extraction query (same window filter, sort, batch size and
 * `promoteValues: false`) drained with the bare driver and nothing else, the floor any client pays.
 * Env: MONGODB_URI, MONGODB_DATABASE. Prints the document count.
 */
import { MongoClient } from "mongodb";
import { extractionSort, windowFilter } from "../../lib/extract/window.js";

const DAY_MS = 86_400_000;
const now = Date.now();
const client = await new MongoClient(process.env.MONGODB_URI!).connect();
const cursor = client
  .db(process.env.MONGODB_DATABASE!)
  .collection("messages")
  .find(windowFilter({ lower: { createdAt: new Date(now - 90 * DAY_MS) }, upper: new Date(now - 120_000) }), {
    sort: extractionSort,
    batchSize: 1000,
    promoteValues: false,
  });
let count = 0;
for await (const doc of cursor) if (doc) count++;
await client.close();
console.log(count);
