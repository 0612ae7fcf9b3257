import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// scripts/setup-ferretdb.sh against a small stand-in for FerretDB that fails at start exactly as
// FerretDB v1 does when build/version/version.txt is missing (its version package embeds *.txt and
// panics unless version.txt starts with "v"). Served from a file:// Go module proxy, so every fetch
// branch of the script runs here as it would against proxy.golang.org.
const script = join(import.meta.dirname, "..", "..", "scripts", "setup-ferretdb.sh");
const MODULE = "example.com/Fake/FerretDB"; // capitals exercise the proxy path escaping
const VERSION = "v1.24.2";
const work = mkdtempSync(join(tmpdir(), "setup-ferretdb-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function write(path: string, text: string) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** The stand-in's module source; `alwaysPanics` makes a binary that never starts. */
function moduleSource(dir: string, alwaysPanics = false): string {
  write(join(dir, "go.mod"), `module ${MODULE}\n\ngo 1.21\n`);
  write(join(dir, "build/version/mongodb.txt"), "7.0.77\n");
  write(join(dir, "build/version/version.go"), `package version

import (
	"embed"
	"strings"
)

//go:embed *.txt
var gen embed.FS

func Get() string {
	b, _ := gen.ReadFile("version.txt")
	v := strings.TrimSpace(string(b))
	if !strings.HasPrefix(v, "v") || ${alwaysPanics} {
		panic("Invalid build/version/version.txt file content. Please run \`bin/task gen-version\`.")
	}
	return v
}
`);
  write(join(dir, "cmd/ferretdb/main.go"), `package main

import (
	"fmt"

	"${MODULE}/build/version"
)

func main() { fmt.Println("version: " + version.Get()) }
`);
  return dir;
}

/**
 * A file:// module proxy serving the stand-in. It serves no version list (as some networks refuse it)
 * unless `list`; `zipOnly` also leaves out .info and .mod, so `go mod download` fails.
 */
function proxy(name: string, opts: { zipOnly?: boolean; alwaysPanics?: boolean; list?: boolean } = {}): string {
  const root = join(work, name);
  const staging = join(root, "staging");
  moduleSource(join(staging, `${MODULE}@${VERSION}`), opts.alwaysPanics);
  const at = join(root, "proxy", "example.com/!fake/!ferret!d!b/@v");
  mkdirSync(at, { recursive: true });
  execFileSync("zip", ["-qr", join(at, `${VERSION}.zip`), `${MODULE}@${VERSION}`], { cwd: staging });
  if (!opts.zipOnly) {
    write(join(at, `${VERSION}.info`), JSON.stringify({ Version: VERSION, Time: "2024-06-01T00:00:00Z" }));
    write(join(at, `${VERSION}.mod`), `module ${MODULE}\n\ngo 1.21\n`);
  }
  if (opts.list) write(join(at, "list"), `${VERSION}\n`); // `go install` asks for it (deprecation check)
  return `file://${join(root, "proxy")}`;
}

function run(env: Record<string, string>) {
  const bin = env.FERRETDB_BIN ?? join(work, `bin-${Math.random().toString(36).slice(2)}`, "ferretdb");
  const result = spawnSync("bash", [script], {
    encoding: "utf8",
    env: {
      ...process.env,
      FERRETDB_BIN: bin,
      FERRETDB_MODULE: MODULE,
      GOSUMDB: "off",
      GOFLAGS: "-modcacherw",
      GOMODCACHE: join(work, `modcache-${Math.random().toString(36).slice(2)}`), // cold every time
      ...env,
    },
  });
  return { ...result, bin };
}

function versionOf(bin: string) {
  return spawnSync(bin, ["--version"], { encoding: "utf8" });
}

describe("setup-ferretdb.sh", { timeout: 120_000 }, () => {
  it("the stand-in reproduces the defect: `go install` without the version file builds a binary that panics", () => {
    const gobin = join(work, "gobin");
    execFileSync("go", ["install", `${MODULE}/cmd/ferretdb@${VERSION}`], {
      env: { ...process.env, GOBIN: gobin, GOPROXY: proxy("install", { list: true }), GOSUMDB: "off", GOFLAGS: "-modcacherw", GOMODCACHE: join(work, "modcache-install") },
      stdio: "pipe",
    });
    const started = versionOf(join(gobin, "ferretdb"));
    expect(started.status).not.toBe(0);
    expect(started.stderr).toContain("Invalid build/version/version.txt");
  });

  it("builds from `go mod download` with the version file written (proxy serves the version, no list)", () => {
    const { status, stdout, bin } = run({ GOPROXY: proxy("download") });
    expect(status).toBe(0);
    expect(stdout).toContain("with go mod download");
    expect(versionOf(bin).stdout.trim()).toBe(`version: ${VERSION}`);
  });

  it("falls back to the module zip from GOPROXY when go mod download fails, and builds the same way", () => {
    const { status, stdout, bin } = run({ GOPROXY: proxy("ziponly", { zipOnly: true }) });
    expect(status).toBe(0);
    expect(stdout).toContain("as a module zip");
    expect(versionOf(bin).stdout.trim()).toBe(`version: ${VERSION}`);
  });

  it("builds from a prepared module directory (FERRETDB_SRC) without fetching", () => {
    const src = moduleSource(join(work, "prepared"));
    const { status, bin } = run({ FERRETDB_SRC: src, GOPROXY: "off" });
    expect(status).toBe(0);
    expect(versionOf(bin).stdout.trim()).toBe(`version: ${VERSION}`);
    expect(existsSync(join(src, "build/version/version.txt"))).toBe(false); // the source is not modified
  });

  it("rebuilds a cached binary that does not start, and keeps one that does", () => {
    const bin = join(work, "cached", "ferretdb");
    write(bin, "#!/bin/sh\necho 'panic: broken' >&2\nexit 2\n");
    chmodSync(bin, 0o755);
    const GOPROXY = proxy("cached");
    const first = run({ FERRETDB_BIN: bin, GOPROXY });
    expect(first.status).toBe(0);
    expect(first.stdout).toContain("does not start; rebuilding");
    expect(versionOf(bin).stdout.trim()).toBe(`version: ${VERSION}`);
    const second = run({ FERRETDB_BIN: bin, GOPROXY: "off" });
    expect(second.stdout).toContain("ferretdb already built");
  });

  it("fails with the cause and the fix when the built binary does not start, leaving no binary behind", () => {
    const { status, stderr, bin } = run({ GOPROXY: proxy("panics", { alwaysPanics: true }) });
    expect(status).toBe(1);
    expect(stderr).toContain("the built binary does not start: panic: Invalid build/version/version.txt");
    expect(stderr).toContain("set MONGODB_URI");
    expect(existsSync(bin)).toBe(false);
  });

  it("says how to proceed when Go is not on PATH", () => {
    const { status, stderr } = run({ PATH: "/usr/bin:/bin" });
    expect(status).toBe(1);
    expect(stderr).toContain("Go is not on PATH");
    expect(stderr).toContain("MONGODB_URI");
  });
});
