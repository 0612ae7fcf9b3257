/**
 * `npm run bench:etl [-- options]`: what one ETL run of the messages collection costs, beside what
 * the same window costs the bare driver and DuckDB, on one local stack (FerretDB + Azurite).
 *
 *   --messages N      the main window (default 50,000 ~1 KB messages)
 *   --small N         the small window for the marginal cost (default 5,000)
 *   --sizes a,b,…     instead: only the CLI at each window size, for the flat-memory curve
 *   --runner R        compiled (default: the bundled campus-etl bin, npm run build, with the
 *                     heap flags of its shebang) | tsx (npm run etl)
 *   --profile DIR     also write a V8 CPU profile of each CLI run into DIR (node --cpu-prof)
 *   --node-flags="…"  extra node flags for the CLI child (with =), after the shebang's (the last
 *                     of a flag wins), e.g. "--max-semi-space-size=8"
 *   --repeat N        run each CLI measurement N times (default 1) and report the median CPU
 *   --baseline BIN    also measure another bundled bin (e.g. a copy of dist/cli from an earlier
 *                     commit), interleaved with this build's run by run on the same stack and
 *                     windows: on a shared VM the same binary swings ±25 % over minutes, so only
 *                     interleaved runs compare two builds
 *   --no-build        reuse dist/ as it is
 *   --off-day-ids     seed _ids made now instead of at createdAt (a migrated collection: every
 *                     document off its ObjectId's day, one placement row each)
 *
 * Every figure is one child process measured by the kernel (GNU time): CPU-s = user + system,
 * peak RSS = max resident set, process start included. Servers' own CPU is not counted.
 * Then the cold import of the Functions entry files (compiled), without and with telemetry.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { BlobServiceClient } from "@azure/storage-blob";
import { cpuPer10k, measureNode, type ChildCost } from "./bench/measure.js";
import { dropDatabase, seedMessages } from "./bench/seed-messages.js";
import { startLocalStack, stackEnv, type LocalStack } from "./local-stack/index.js";

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "50000" },
    small: { type: "string", default: "5000" },
    sizes: { type: "string" },
    runner: { type: "string", default: "compiled" },
    profile: { type: "string" },
    "node-flags": { type: "string", default: "" },
    "no-build": { type: "boolean", default: false },
    "off-day-ids": { type: "boolean", default: false },
    repeat: { type: "string", default: "1" },
    baseline: { type: "string" },
  },
});
const root = resolve(import.meta.dirname, "..");
const dist = join(root, "dist");
const offDayIds = values["off-day-ids"];
const runner = values.runner === "tsx" ? "tsx" : "compiled";
const scriptArgs = (name: string) =>
  runner === "compiled" ? [join(dist, "scripts", `${name}.js`)] : ["--import", "tsx", join(root, "scripts", `${name}.ts`)];
// The CLI: the bundled `campus-etl` bin (what an operator installs) started as its shebang starts
// it (with its heap flags), or `npm run etl` through tsx.
const builtBin = join(dist, "cli/bin.js");
const cliArgs = (extraFlags: string[], bin = builtBin) =>
  runner === "compiled" || bin !== builtBin
    ? [...shebangFlags(bin), ...extraFlags, bin]
    : [...extraFlags, "--import", "tsx", join(root, "scripts/etl.ts")];

/** The node flags on a bin's `#!/usr/bin/env -S node …` line. */
function shebangFlags(bin: string): string[] {
  const first = readFileSync(bin, "utf8").slice(0, 400).split("\n", 1)[0]!;
  const match = /^#!\/usr\/bin\/env (?:-S )?node(.*)$/.exec(first);
  if (!match) throw new Error(`${bin} does not start with a node shebang: ${first}`);
  return match[1]!.split(/\s+/).filter(Boolean);
}

/** Same environment as a user's shell, minus telemetry: the bench measures the ETL, not exporting. */
function baseEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.APPLICATIONINSIGHTS_CONNECTION_STRING;
  return { ...env, ...extra };
}

/** App settings that give a run its own containers and tables, so runs on one Azurite never meet. */
function isolated(tag: string): Record<string, string> {
  return {
    LAKE_RAW_CONTAINER: `raw-${tag}`,
    LAKE_CURATED_CONTAINER: `curated-${tag}`,
    LAKE_QUARANTINE_CONTAINER: `quarantine-${tag}`,
    STATE_LOCKS_CONTAINER: `locks-${tag}`,
    STATE_WATERMARKS_TABLE: `wm${tag}`,
    STATE_RUNS_TABLE: `runs${tag}`,
    STATE_JOBS_TABLE: `jobs${tag}`,
    BACKFILL_QUEUE: `bf-${tag}`,
  };
}

interface CliRun extends ChildCost {
  raw: number;
  curated: number;
}

let runs = 0;

async function runCli(stack: LocalStack, database: string, docs: number, bin = builtBin): Promise<CliRun> {
  // Containers and tables of its own per run: a repeated run starts from no watermark again.
  const tag = `${database.replace(/[^a-z0-9]/g, "")}r${runs++}`;
  const profile = values.profile ? ["--cpu-prof", "--cpu-prof-dir", resolve(values.profile), "--cpu-prof-name", `etl-${docs}-${tag}.cpuprofile`] : [];
  const flags = values["node-flags"].split(/\s+/).filter(Boolean);
  const cost = await measureNode([...cliArgs([...flags, ...profile], bin), "run", "--collection", "messages"], baseEnv(stackEnv(stack, { MONGODB_DATABASE: database, ...isolated(tag) })));
  const landed = (zone: string) => [...cost.stdout.matchAll(new RegExp(`${zone}: (\\d+) (?:rows|docs)`, "g"))].reduce((n, m) => n + Number(m[1]), 0);
  const run = { ...cost, raw: landed("raw"), curated: landed("curated") };
  if (run.raw !== docs) throw new Error(`the CLI wrote ${run.raw} raw lines for ${docs} documents:\n${cost.stdout.slice(-2000)}`);
  // Free Azurite's memory (it keeps blobs in RAM) before the next run.
  const lake = BlobServiceClient.fromConnectionString(stack.storageConnectionString);
  await Promise.all(["raw", "curated", "quarantine"].map((z) => lake.getContainerClient(`${z}-${tag}`).deleteIfExists()));
  return run;
}

const fmt = (n: number, digits = 2) => n.toFixed(digits);
const repeat = Math.max(1, Number(values.repeat));
/** The run with the median CPU (the lower middle one of an even count). */
const medianByCpu = <T extends ChildCost>(list: T[]): T => [...list].sort((a, b) => a.cpuS - b.cpuS)[Math.floor((list.length - 1) / 2)]!;
const row = (what: string, docs: number, c: ChildCost) =>
  `${what.padEnd(34)} ${String(Math.round(docs / c.wallS)).padStart(8)} ${fmt(c.cpuS).padStart(7)} ${fmt(cpuPer10k(c, docs)).padStart(9)} ${fmt(c.peakMb, 0).padStart(8)}`;
const header = `${"".padEnd(34)} ${"docs/s".padStart(8)} ${"CPU-s".padStart(7)} ${"CPU/10k".padStart(9)} ${"RSS MB".padStart(8)}`;

async function compare(stack: LocalStack, messages: number, small: number) {
  const work = mkdtempSync(join(tmpdir(), "bench-etl-"));
  try {
    const jsonl = join(work, "messages.jsonl");
    const seeded = await seedMessages(stack.mongoUri, "bench_main", messages, { jsonlPath: jsonl, offDayIds });
    await seedMessages(stack.mongoUri, "bench_small", small, { offDayIds });
    console.log(`Seeded ${messages} + ${small} messages (~1 KB each) in ${fmt(seeded, 1)} s (+ small) into ${stack.mongoKind}; CLI runner: ${runner}\n`);

    const env = baseEnv(stackEnv(stack, { MONGODB_DATABASE: "bench_main" }));
    const drain = await measureNode(scriptArgs("bench/cursor-drain"), env);
    if (Number(drain.stdout.trim()) !== messages) throw new Error(`the cursor drain read ${drain.stdout.trim()} of ${messages}`);
    const duck = await measureNode(scriptArgs("bench/duckdb-parquet").concat(jsonl, join(work, "messages.parquet")), env);
    if (Number(duck.stdout.trim()) !== messages) throw new Error(`DuckDB wrote ${duck.stdout.trim()} of ${messages} rows`);
    // Each build's small and main window, build after build, `repeat` times; the median by CPU counts.
    const builds = [builtBin, ...(values.baseline ? [resolve(values.baseline)] : [])];
    const measured = builds.map(() => ({ small: [] as CliRun[], main: [] as CliRun[] }));
    for (let r = 0; r < repeat; r++) {
      for (const [i, bin] of builds.entries()) {
        measured[i]!.small.push(await runCli(stack, "bench_small", small, bin));
        measured[i]!.main.push(await runCli(stack, "bench_main", messages, bin));
      }
    }
    const cliSmall = medianByCpu(measured[0]!.small);
    const cli = medianByCpu(measured[0]!.main);

    console.log(header);
    console.log(row(`bare sorted cursor drain (${messages})`, messages, drain));
    console.log(row(`DuckDB JSONL → Parquet (${messages})`, messages, duck));
    console.log(row(`CLI --collection messages (${small})`, small, cliSmall));
    console.log(row(`CLI --collection messages (${messages})`, messages, cli));
    const marginal = ((cli.cpuS - cliSmall.cpuS) * 10_000) / (messages - small);
    console.log(`\nCLI over ${messages}: ${fmt(cpuPer10k(cli, messages))} CPU-s per 10k (process start included; target ≤ 1.00), ` +
      `peak RSS ${fmt(cli.peakMb, 0)} MB (target ≤ 256); raw ${cli.raw} lines, curated ${cli.curated} rows`);
    console.log(`marginal (${messages} minus ${small}): ${fmt(marginal)} CPU-s per 10k`);
    console.log(`ratios, CPU: CLI / cursor drain ${fmt(cli.cpuS / drain.cpuS, 1)}×, CLI / DuckDB ${fmt(cli.cpuS / duck.cpuS, 1)}×, ` +
      `CLI − drain per 10k ${fmt(cpuPer10k(cli, messages) - cpuPer10k(drain, messages))}`);
    console.log(`ratios, peak RSS: CLI / cursor drain ${fmt(cli.peakMb / drain.peakMb, 1)}×, CLI / DuckDB ${fmt(cli.peakMb / duck.peakMb, 1)}×`);
    if (repeat > 1 || builds.length > 1) {
      console.log(`\nEvery CLI run, CPU-s per 10k (${repeat} × interleaved; the figures above are this build's medians):`);
      for (const [i, bin] of builds.entries()) {
        const per = (list: CliRun[], docs: number) => list.map((c) => fmt(cpuPer10k(c, docs))).join(", ");
        console.log(`  ${i === 0 ? "this build" : `baseline ${bin}`}: ${small}: ${per(measured[i]!.small, small)}; ${messages}: ${per(measured[i]!.main, messages)}`);
      }
      if (builds.length > 1) {
        const base = medianByCpu(measured[1]!.main);
        console.log(`  median at ${messages}: this build ${fmt(cli.cpuS)} CPU-s, baseline ${fmt(base.cpuS)} CPU-s (${fmt((100 * (cli.cpuS - base.cpuS)) / base.cpuS, 1)} %)`);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function sizes(stack: LocalStack, list: number[]) {
  console.log(`Flat-memory curve, CLI runner: ${runner}${values["node-flags"] ? ` ${values["node-flags"]}` : ""}, ${stack.mongoKind}\n${"docs".padStart(9)} ${header.trimStart()}   seed s`);
  for (const n of list) {
    const database = `bench_${n}`;
    const seeded = await seedMessages(stack.mongoUri, database, n, { offDayIds });
    const cli = await runCli(stack, database, n);
    console.log(`${String(n).padStart(9)} ${row("", n, cli).trimStart()}   ${fmt(seeded, 0).padStart(6)}`);
    await dropDatabase(stack.mongoUri, database);
  }
}

/** Median of `times` runs of the cold-import child (ms over a bare `node` start). */
interface ColdImport {
  entries: number;
  importMs: number;
  importCpuMs: number;
  telemetryMs: number;
}

function coldImport(telemetry: boolean, times = 5): ColdImport {
  const env = baseEnv({
    MONGODB_URI: "mongodb://127.0.0.1:9/cold",
    LAKE_STORAGE: "UseDevelopmentStorage=true",
    STATE_STORAGE: "UseDevelopmentStorage=true",
    ...(telemetry ? { APPLICATIONINSIGHTS_CONNECTION_STRING: "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/" } : {}),
  });
  const runs = Array.from({ length: times }, () => {
    const child = spawnSync(process.execPath, [join(dist, "scripts/bench/cold-import.js"), dist, ...(telemetry ? ["--telemetry"] : [])], { env, encoding: "utf8" });
    if (child.status !== 0) throw new Error(`cold import failed: ${child.stderr}`);
    return JSON.parse(child.stdout.trim().split("\n").pop()!) as ColdImport;
  });
  const median = (pick: (r: ColdImport) => number) => runs.map(pick).sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
  return { entries: runs[0]!.entries, importMs: median((r) => r.importMs), importCpuMs: median((r) => r.importCpuMs), telemetryMs: median((r) => r.telemetryMs) };
}

async function main() {
  if (!values["no-build"]) {
    // The bench's children (and the Functions host) run compiled JS; scripts are built beside lib/.
    const tsc = spawnSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.json"), "--outDir", dist], { stdio: "inherit" });
    if (tsc.status !== 0) throw new Error("the TypeScript build failed; see above");
    const bundle = spawnSync(process.execPath, [join(root, "scripts/build-cli.mjs")], { stdio: "inherit" });
    if (bundle.status !== 0) throw new Error("bundling the CLI failed; see above");
  }
  const stack = await startLocalStack();
  try {
    if (values.sizes) await sizes(stack, values.sizes.split(",").map(Number));
    else await compare(stack, Number(values.messages), Number(values.small));
  } finally {
    await stack.stop();
  }
  // Wall time on a shared machine swings with load; CPU time is the steadier figure.
  const off = coldImport(false);
  const on = coldImport(true);
  console.log(`\ncold import of the ${off.entries} Functions entry files (compiled, median of 5, over a bare node start): ` +
    `${fmt(off.importMs, 0)} ms wall (${fmt(off.importCpuMs, 0)} ms CPU) without telemetry (target ≤ 300); with telemetry on: ${fmt(on.importMs, 0)} ms import + ` +
    `${fmt(on.telemetryMs, 0)} ms starting App Insights at the first invocation`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
