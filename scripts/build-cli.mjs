// `npm run build` (after tsc): the `campus-etl` bin as one bundle (dist/cli/bin.js), with the
// modules a command loads later (import()) in chunks beside it. Resolving and compiling the Azure
// SDKs and the driver file by file (hundreds of ESM files) was about 0.6 CPU-s of every run; one
// bundle is resolved once. The Functions app keeps tsc's per-file output (dist/functions, dist/lib).
// Plain JavaScript: it runs before anything is compiled.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/**
 * V8 heap flags of every ETL process: the CLI's shebang (below) and the Functions worker
 * (languageWorkers__node__arguments in infra/app/function-app.bicep; test/infra/app-settings.test.ts
 * keeps them equal). With V8's default sizing a 50k window peaked near 300 MB RSS although the live
 * heap stays ~40 MB: the heap limit grows with a fast allocator. Measured in docs/BENCHMARKS.md.
 */
export const NODE_HEAP_FLAGS = "--max-old-space-size=160 --max-semi-space-size=16";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

// Optional peers the driver requires inside try/catch (compression, Kerberos, AWS/GCP auth,
// client-side encryption, SOCKS): not installed, so left as requires that fail as they do unbundled.
const optionalPeers = ["kerberos", "snappy", "@mongodb-js/zstd", "mongodb-client-encryption", "aws4", "@aws-sdk/credential-providers", "gcp-metadata", "socks"];
// parquetjs's dependencies that call the deprecated `new Buffer()`. Loaded from node_modules, each
// call made Node walk the stack to see whether the caller lives there (its first 10,000 calls:
// ~0.1 CPU-s of every run); bundled as they are, Node would warn (DEP0005) on every run. Bundled
// with the constructor replaced by what it means today, neither happens.
export const legacyBuffer = ["thrift", "node-int64"];
const LEGACY_BUFFER = "const __legacyBuffer = (value, encodingOrOffset, length) => " +
  "typeof value === 'number' ? Buffer.alloc(value) : Buffer.from(value, encodingOrOffset, length);\n";

/** esbuild plugin: `new Buffer(…)` in the legacyBuffer packages → Buffer.alloc / Buffer.from. */
const modernBuffer = {
  name: "modern-buffer",
  setup(b) {
    const packages = new RegExp(`[\\\\/]node_modules[\\\\/](${legacyBuffer.join("|")})[\\\\/].*\\.js$`);
    b.onLoad({ filter: packages }, (args) => {
      const source = readFileSync(args.path, "utf8");
      if (!/\bnew Buffer\(/.test(source)) return undefined;
      return { contents: LEGACY_BUFFER + source.replace(/\bnew Buffer\(/g, "__legacyBuffer("), loader: "js" };
    });
  },
};

/** Bundles lib/cli/bin.ts into `outdir` (default dist/cli); returns the bin's path. */
export async function buildCli(outdir = join(root, "dist", "cli")) {
  rmSync(outdir, { recursive: true, force: true }); // chunk names change with their content
  await build({
    entryPoints: [join(root, "lib/cli/bin.ts")],
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    external: optionalPeers,
    plugins: [modernBuffer],
    sourcemap: "linked",
    logLevel: "warning",
    // CommonJS packages inside an ES module bundle still call require() (node: built-ins, JSON).
    banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
  });
  // The shebang carries the heap flags, so `campus-etl` (npx, the installed bin) runs with them.
  const bin = join(outdir, "bin.js");
  const text = readFileSync(bin, "utf8");
  if (!text.startsWith("#!/usr/bin/env node\n")) throw new Error(`${bin} does not start with lib/cli/bin.ts's shebang`);
  writeFileSync(bin, `#!/usr/bin/env -S node ${NODE_HEAP_FLAGS}\n${text.slice(text.indexOf("\n") + 1)}`);
  return bin;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli();
