import { InvocationContext, type Timer } from "@azure/functions";
import { ObjectId } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { etlTimerHandler } from "../../lib/handlers/etl-timer.js";
import { invocationLogger } from "../../lib/handlers/runtime.js";
import { createEtlContext } from "../../lib/pipeline/context.js";
import { loadConfig } from "../../lib/config.js";
import { readJsonl } from "../fixtures/lake-readers.js";
import { closeTestClients, createTestStack, type TestStack } from "../fixtures/stack.js";

describe("etl timer function handler", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack("timer");
  });
  afterAll(async () => {
    await stack.close();
    await closeTestClients();
  });

  const timer: Timer = { isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: "", next: "", lastUpdated: "" } };

  function invocation(lines: string[]) {
    return new InvocationContext({
      invocationId: "inv-123",
      functionName: "etl-actions",
      logHandler: (level, ...args) => lines.push(`${level} ${args.join(" ")}`),
    });
  }

  it("runs its collection through the shared pipeline and logs with the invocation id", async () => {
    const createdAt = new Date(Date.now() - 3_600_000);
    const docs = [1, 2, 3].map(() => ({ _id: new ObjectId(), userId: new ObjectId(), createdAt, type: "login" }));
    await stack.db.collection("actions").insertMany(docs);
    const lines: string[] = [];
    const handler = etlTimerHandler("actions", async (context) => createEtlContext(stack.config, invocationLogger(context)));
    await handler(timer, invocation(lines));

    expect((await readJsonl(stack, "raw", "actions")).map((d) => d._id.toHexString()).sort()).toEqual(docs.map((d) => d._id.toHexString()).sort());
    expect(lines.some((l) => l.startsWith("information ETL run: ") && l.includes('"invocationId":"inv-123"'))).toBe(true);
    expect(lines.some((l) => l.includes("raw: 3 docs → raw/actions/date=") && l.includes('"collection":"actions"'))).toBe(true);
  });

  it("fails the invocation, with the collection and reason, when MongoDB is unreachable", async () => {
    const config = loadConfig({ ...stack.env, MONGODB_URI: "mongodb://etl:hunter2@127.0.0.1:1/?serverSelectionTimeoutMS=500" });
    const lines: string[] = [];
    const handler = etlTimerHandler("actions", async (context) => createEtlContext(config, invocationLogger(context)));
    const run = handler(timer, invocation(lines));
    await expect(run).rejects.toThrow(/^ETL actions failed \(run \d{8}_\d{6}_[0-9a-f]{6}\): MongoDB connection failed \(127\.0\.0\.1:1\)/);
    expect(lines.join("\n")).not.toContain("hunter2");
  });
});
