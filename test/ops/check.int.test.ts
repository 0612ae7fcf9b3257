import { createServer, type Server } from "node:http";
import { ObjectId } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/local-stack/ports.js";
import { runCliWith } from "../cli/run-cli.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";

describe("etl check", () => {
  let stack: TestStack;
  let echo: Server;
  let echoUrl: string;

  beforeAll(async () => {
    stack = await createTestStack("check");
    const at = new Date("2026-11-20T10:00:00Z");
    await stack.db.collection("messages").insertOne({ _id: new ObjectId(), userId: new ObjectId(), category: "system", createdAt: at, updatedAt: at });
    await stack.db.collection("actions").insertOne({ _id: new ObjectId(), userId: new ObjectId(), type: "login", createdAt: at });
    await stack.db.collection("messages").createIndex({ createdAt: 1, _id: 1 });
    await stack.db.collection("messages").createIndex({ updatedAt: -1, _id: -1 }); // reversed serves too
    // A real HTTP echo service on loopback, answering the way ifconfig.me does.
    const port = await freePort();
    echo = createServer((_req, res) => res.end("203.0.113.9\n"));
    await new Promise<void>((resolve) => echo.listen(port, "127.0.0.1", resolve));
    echoUrl = `http://127.0.0.1:${port}/ip`;
  });
  afterAll(async () => {
    await new Promise((resolve) => echo.close(resolve));
    await stack.close();
    await closeTestClients();
  });

  const check = (env: Record<string, string>, ...args: string[]) =>
    runCliWith({ ...stack.env, ...env }, ["check", "--collection", "messages", "--collection", "actions", "--egress-echo", echoUrl, ...args]);

  it("passes on a complete setup except for what is missing, one line per check, exit 1 for warnings", async () => {
    const { code, out } = await check({ EXPECTED_EGRESS_IP: "203.0.113.9" });
    expect(out).toMatch(/^OK {4}mongo +reachable, database t_check_/m);
    expect(out).toMatch(/^OK {4}collection messages +readable$/m);
    expect(out).toMatch(/^OK {4}index messages \(createdAt, _id\) +present, for the hourly \(createdAt, _id\) cursor$/m);
    expect(out).toMatch(/^OK {4}index messages \(updatedAt, _id\) +present, for the change cursor on updatedAt$/m);
    // A missing index: a warning with the exact createIndex to run.
    expect(out).toMatch(/^WARN {2}index actions \(createdAt, _id\) +missing: the hourly \(createdAt, _id\) cursor scans the whole collection$/m);
    expect(out).toContain(`fix: db.getCollection("actions").createIndex({ createdAt: 1, _id: 1 })`);
    expect(out).toContain(`fix: db.getCollection("actions").createIndex({ updatedAt: 1, _id: 1 })`);
    for (const c of ["raw", "curated", "quarantine", "locks"] as const) {
      expect(out).toMatch(new RegExp(`^OK {4}container ${stack.config.containers[c]} \\(${c}\\) +reachable, write probe written and removed$`, "m"));
    }
    expect(out).toMatch(new RegExp(`^OK {4}table ${stack.config.tables.watermarks} +reachable, write probe written and removed$`, "m"));
    expect(out).toMatch(new RegExp(`^OK {4}queue ${stack.config.queues.backfill} +reachable, write probe sent and removed$`, "m"));
    expect(out).toMatch(/^OK {4}egress ip +203\.0\.113\.9, as expected \(from http:\/\/127\.0\.0\.1:\d+\/ip\)$/m);
    expect(out).toMatch(/^WARN {2}telemetry +APPLICATIONINSIGHTS_CONNECTION_STRING is not set/m);
    expect(out).toMatch(/^OK {4}curated parquet +SNAPPY pages, native encoder \(snappy\)$/m);
    expect(out).toMatch(/\nWARN: \d+ ok, 3 warn, 0 fail\n$/);
    expect(code).toBe(1);

    // The probes left nothing behind.
    const leftovers: string[] = [];
    for await (const b of stack.ctx.storage.lake.getContainerClient(stack.config.containers.raw).listBlobsFlat()) leftovers.push(b.name);
    expect(leftovers).toEqual([]);
    const rows = [];
    for await (const e of stack.ctx.storage.table(stack.config.tables.runs).listEntities()) rows.push(e);
    expect(rows).toEqual([]);
    expect((await stack.ctx.storage.queue(stack.config.queues.backfill).peekMessages()).peekedMessageItems).toEqual([]);
  });

  it("fails on a container that does not exist and a wrong egress IP, exit 2, creating nothing", async () => {
    const missing = `quarantine-missing-${Date.now().toString(36)}`;
    const { code, out } = await check({ LAKE_QUARANTINE_CONTAINER: missing, EXPECTED_EGRESS_IP: "198.51.100.7" }, "--json");
    const report = JSON.parse(out) as { worst: string; checks: { check: string; level: string; detail: string; fix?: string }[] };
    expect(report.worst).toBe("fail");
    expect(code).toBe(2);
    const byName = Object.fromEntries(report.checks.map((c) => [c.check, c]));
    expect(byName[`container ${missing} (quarantine)`]).toEqual({
      check: `container ${missing} (quarantine)`,
      level: "fail",
      detail: "does not exist (ContainerNotFound)",
      fix: "create it (infra/ does in Azure) or correct LAKE_QUARANTINE_CONTAINER",
    });
    expect(byName["egress ip"]).toMatchObject({ level: "fail", detail: "203.0.113.9 is not EXPECTED_EGRESS_IP 198.51.100.7: Atlas will refuse this app" });
    expect(byName[`container ${stack.config.containers.raw} (raw)`]!.level).toBe("ok");
    expect(await stack.ctx.storage.lake.getContainerClient(missing).exists()).toBe(false);
  });

  it("fails when MongoDB cannot be reached, naming the fix, without echoing the URI's password", async () => {
    const port = await freePort();
    const { code, out } = await check({ MONGODB_URI: `mongodb://etl:s3cr3tpw@127.0.0.1:${port}/?serverSelectionTimeoutMS=500`, EXPECTED_EGRESS_IP: "203.0.113.9" });
    expect(code).toBe(2);
    expect(out).toMatch(/^FAIL {2}mongo +not reachable: /m);
    expect(out).toContain("fix: check MONGODB_URI and that the egress IP is on the Atlas allow-list");
    expect(out).not.toContain("s3cr3tpw");
  });
});
