#!/usr/bin/env node
// The installed `campus-etl` command: compiled JavaScript (npm run build), no TypeScript loader.
import { closeMongoClients } from "../extract/mongo-client.js";
import { runCli } from "./main.js";

const code = await runCli(process.argv.slice(2));
await closeMongoClients();
process.exit(code);
