/**
 * `npm run demo`: the whole product on the local stack, end to end. Starts Azurite and a
 * MongoDB-wire server, seeds a week of realistic data (testers and broken documents included),
 * runs the hourly ETL through the same code path as the functions, runs it again to show the
 * incremental window, and prints what DuckDB reads back from the curated Parquet.
 */
import { MongoClient } from "mongodb";
import { loadConfig } from "../lib/config.js";
import { closeMongoClients } from "../lib/extract/mongo-client.js";
import { consoleSink, createLogger } from "../lib/log.js";
import { createEtlContext } from "../lib/pipeline/context.js";
import { runEtl } from "../lib/pipeline/run-etl.js";
import { generateDataset, insertDataset } from "./generate/dataset.js";
import { startLocalStack, stackEnv } from "./local-stack/index.js";
import { summariseCurated } from "./lake-summary.js";

async function main() {
  console.log("Starting the local stack (Azurite + MongoDB-wire server)…");
  const stack = await startLocalStack();
  console.log(`  MongoDB: ${stack.mongoKind}; Azure Storage: Azurite\n`);
  try {
    const config = loadConfig(stackEnv(stack));
    const now = new Date();
    const data = generateDataset({ from: new Date(now.getTime() - 7 * 86_400_000), to: new Date(now.getTime() - 5 * 60_000), messages: 2000, actions: 800 });
    const client = await new MongoClient(config.mongo.uri).connect();
    await insertDataset(client.db(config.mongo.database), data);
    console.log(`Seeded ${config.mongo.database}: ${data.profiles.length} profiles (${data.testerIds.length} testers), ` +
      `${data.messages.length} messages, ${data.actions.length} actions, ${data.paths.length} paths, ${data.tasks.length} tasks, ${data.errorlogs.length} errorlogs\n`);

    const ctx = await createEtlContext(config, createLogger(consoleSink()));
    const first = await runEtl(ctx, { now });
    console.log("\nA second run an hour later picks up only what is new:");
    await client.db(config.mongo.database).collection("messages").insertOne({ ...data.messages[0]!, _id: undefined, createdAt: new Date(now.getTime() + 30 * 60_000) });
    await client.close();
    const second = await runEtl(ctx, { now: new Date(now.getTime() + 3_600_000) });

    console.log("\nCurated data read back with DuckDB:");
    for (const [title, rows] of Object.entries(await summariseCurated(ctx.storage.lake, config.containers.curated))) {
      if (title.endsWith("column types")) {
        console.log(`\n${title}: ${rows.map((r) => `${r.column}:${r.type}`).join(", ")}`);
        continue;
      }
      console.log(`\n${title}`);
      console.table(rows);
    }
    const failed = [...first.failed, ...second.failed];
    console.log(`\nRuns: ${first.runId} (${first.documents} docs), ${second.runId} (${second.documents} docs); failed collections: ${failed.length}`);
    return failed.length ? 1 : 0;
  } finally {
    await closeMongoClients();
    await stack.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`Demo failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
