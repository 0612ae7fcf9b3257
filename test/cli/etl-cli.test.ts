import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

function cli(args: string[], env: Record<string, string>) {
  const { PATH, HOME } = process.env;
  return spawnSync(process.execPath, ["--import", "tsx", "scripts/etl.ts", ...args], { env: { PATH, HOME, ...env }, encoding: "utf8" });
}

// Each case starts node with the tsx loader: seconds on a busy machine, more than the 5 s default.
describe("npm run etl (CLI)", { timeout: 30_000 }, () => {
  it("stops before doing anything when a setting is missing, naming it", () => {
    const run = cli([], { LAKE_STORAGE: "UseDevelopmentStorage=true", STATE_STORAGE: "UseDevelopmentStorage=true" });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("Invalid configuration:");
    expect(run.stderr).toContain("MONGODB_URI is not set: give the MongoDB connection string");
  });

  it("names a malformed setting without echoing its secret value", () => {
    const run = cli([], { MONGODB_URI: "mongodb://etl:p4ssw0rd@h/", LAKE_STORAGE: "x", STATE_STORAGE: "x", ETL_SETTLE_DELAY_SECONDS: "-5" });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/ETL_SETTLE_DELAY_SECONDS: .*>=0/);
    expect(run.stderr + run.stdout).not.toContain("p4ssw0rd");
  });

  it("rejects an unknown collection by name", () => {
    const run = cli(["--collection", "grades"], { MONGODB_URI: "mongodb://127.0.0.1:1/", LAKE_STORAGE: "x", STATE_STORAGE: "x" });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('Unknown collection "grades": expected one of profiles, messages, actions, paths, tasks, errorlogs');
  });

  it("names a storage connection string it cannot parse", () => {
    const run = cli([], { MONGODB_URI: "mongodb://127.0.0.1:1/", LAKE_STORAGE: "not-a-connection-string", STATE_STORAGE: "UseDevelopmentStorage=true" });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("LAKE_STORAGE is not a valid storage connection string");
  });

  it("redacts what it echoes of a bad argument", () => {
    const run = cli(["--now", "password=cliPw77"], {});
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("--now");
    expect(run.stderr + run.stdout).not.toContain("cliPw77");
  });

  it("prints usage: the commands, and each command's flags", () => {
    const top = cli(["--help"], {});
    expect(top.status).toBe(0);
    expect(top.stdout).toContain("Usage: campus-etl [options] [command]");
    const run = cli(["run", "--help"], {});
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("--dry-run");
  });
});
