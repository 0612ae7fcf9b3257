import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runCliWith } from "./run-cli.js";

// Settings that parse but point nowhere: a command that got past parsing would fail on them, so a
// parse error is proven to happen before anything connects.
const env = { MONGODB_URI: "mongodb://127.0.0.1:1/", LAKE_STORAGE: "UseDevelopmentStorage=true", STATE_STORAGE: "UseDevelopmentStorage=true" };
const cli = (...args: string[]) => runCliWith(env, args);

describe("campus-etl command line", () => {
  it("lists every command in --help", async () => {
    const { code, out } = await cli("--help");
    expect(code).toBe(0);
    for (const command of ["run", "backfill", "status", "reconcile", "erase", "check", "summary", "report", "cleanup"]) {
      expect(out).toMatch(new RegExp(`^  ${command} `, "m"));
    }
  });

  it.each([
    ["run", ["--collection", "--dry-run"]],
    ["backfill", ["--days", "--from", "--to", "--collection", "--rescore-only", "--repair-watermark"]],
    ["status", ["--collection", "--json"]],
    ["reconcile", ["--days", "--collection", "--json"]],
    ["erase", ["--user", "--reason", "--force", "--json"]],
    ["check", ["--collection", "--json"]],
    ["summary", ["--collection", "--json"]],
    ["report", ["--days", "--collection", "--json", "--html"]],
    ["cleanup", ["--dry-run", "--json"]],
  ])("%s --help lists its flags", async (command, flags) => {
    const { code, out } = await cli(command, "--help");
    expect(code).toBe(0);
    expect(out).toContain(`Usage: campus-etl ${command} [options]`);
    const listed = [...out.matchAll(/^ {2}(--[a-z-]+)/gm)].map((m) => m[1]).filter((f) => f !== "--help");
    expect(listed).toEqual(flags);
  });

  it("rejects conflicting options, naming both", async () => {
    const { code, err } = await cli("backfill", "--days", "3", "--from", "2026-11-01", "--to", "2026-11-02");
    expect(code).toBe(2);
    expect(err).toContain("error: option '--days <n>' cannot be used with option '--from <YYYY-MM-DD>'");
  });

  it("rejects an option the command does not have: backfill --dry-run no longer runs a real backfill", async () => {
    const { code, err } = await cli("backfill", "--dry-run");
    expect(code).toBe(2);
    expect(err).toContain("error: unknown option '--dry-run'");
  });

  it("points the one-command CLI's mode flags to their commands", async () => {
    const backfill = await cli("--backfill", "--status");
    expect(backfill.code).toBe(2);
    expect(backfill.err).toContain("error: --backfill is now a command: etl backfill");
    const status = await cli("--status");
    expect(status.err).toContain("error: --status is now a command: etl status");
  });

  it("names an unknown command and suggests the nearest", async () => {
    const { code, err } = await cli("statu");
    expect(code).toBe(2);
    expect(err).toContain("error: unknown command 'statu'");
    expect(err).toContain("(Did you mean status?)");
  });

  it("rejects a malformed number and an unknown collection before connecting", async () => {
    const days = await cli("report", "--days", "0");
    expect(days.code).toBe(2);
    expect(days.err).toContain(`error: option '--days <n>' argument '0' is invalid. "0" must be a positive whole number.`);
    const collection = await cli("status", "--collection", "grades");
    expect(collection.code).toBe(2);
    expect(collection.err).toContain('Unknown collection "grades": expected one of profiles, messages, actions, paths, tasks, errorlogs');
  });

  it("requires erase --user", async () => {
    const { code, err } = await cli("erase");
    expect(code).toBe(2);
    expect(err).toContain("error: required option '--user <id>' not specified");
  });

  it("installs a bin named for the product that runs the compiled CLI", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { bin: Record<string, string>; scripts: Record<string, string> };
    expect(pkg.bin).toEqual({ "campus-etl": "dist/cli/bin.js" }); // lib/cli/bin.ts bundled (test/cli/bundle.test.ts)
    expect(readFileSync("lib/cli/bin.ts", "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
    expect(pkg.scripts.etl).toBe("tsx scripts/etl.ts");
  });
});
