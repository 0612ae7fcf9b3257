import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: plain JavaScript build script, no declarations
import { NODE_HEAP_FLAGS, buildCli, legacyBuffer } from "../../scripts/build-cli.mjs";

// Inside the repository (.local is git-ignored), so the bundle resolves node_modules as dist/cli does.
const outdir = resolve(".local", `cli-bundle-test-${process.pid}`);
let bin = "";

// Run as an operator runs it: the file itself, started by its shebang (env -S node <heap flags>).
function campusEtl(args: string[], env: Record<string, string> = {}) {
  const { PATH, HOME } = process.env;
  return spawnSync(bin, args, { env: { PATH, HOME, ...env }, encoding: "utf8", timeout: 60_000 });
}

const unreachable = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
  "BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;QueueEndpoint=http://127.0.0.1:1/devstoreaccount1;";

describe("the bundled campus-etl bin (npm run build)", { timeout: 120_000 }, () => {
  beforeAll(async () => {
    bin = (await buildCli(outdir)) as string;
  }, 120_000);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it("starts node with the ETL's heap flags from its shebang", () => {
    expect(readFileSync(bin, "utf8").split("\n", 1)[0]).toBe(`#!/usr/bin/env -S node ${NODE_HEAP_FLAGS as string}`);
    expect(NODE_HEAP_FLAGS).toMatch(/^--max-old-space-size=\d+ --max-semi-space-size=\d+/);
  });

  it("runs as an executable and prints its usage", () => {
    const help = campusEtl(["--help"]);
    expect(help.stderr).toBe("");
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("Usage: campus-etl [options] [command]");
  });

  it("loads a command's modules from its chunks and reports what failed", () => {
    // `run` imports the pipeline, the driver and the Storage SDKs lazily: all must be in the bundle.
    const run = campusEtl(["run", "--collection", "messages"], {
      MONGODB_URI: "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300",
      LAKE_STORAGE: unreachable,
      STATE_STORAGE: unreachable,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("Storage is not reachable or not set up");
    expect(run.stderr).not.toMatch(/Cannot find (module|package)|ERR_MODULE_NOT_FOUND|Dynamic require/);
  });

  it("bundles the packages that call new Buffer() with the constructor replaced (Node walks the stack on each such call from node_modules)", () => {
    const chunks = readdirSync(outdir).filter((f) => f.endsWith(".js"));
    expect(chunks.length).toBeGreaterThan(1);
    expect(legacyBuffer).toEqual(["thrift", "node-int64"]);
    // esbuild heads each bundled module with its path; a module ends where the next one starts.
    const modules = chunks.flatMap((f) => readFileSync(join(outdir, f), "utf8").split(/^(?=\/\/ node_modules\/)/m));
    for (const name of legacyBuffer as string[]) {
      const own = modules.filter((m) => m.startsWith(`// node_modules/${name}/`));
      expect(own.length, name).toBeGreaterThan(0);
      expect(own.filter((m) => /\bnew Buffer\(/.test(m)), name).toEqual([]);
      expect(own.some((m) => m.includes("__legacyBuffer(")), name).toBe(true);
    }
  });

  it("is what package.json installs as campus-etl", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { bin: Record<string, string>; scripts: Record<string, string> };
    expect(pkg.bin).toEqual({ "campus-etl": "dist/cli/bin.js" });
    expect(pkg.scripts.build).toContain("node scripts/build-cli.mjs");
    expect(join(outdir, "bin.js")).toBe(bin);
  });
});
