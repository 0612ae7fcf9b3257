import { InvocationContext, type Timer } from "@azure/functions";
import { MongoServerError } from "mongodb";
import { describe, expect, it } from "vitest";
import { etlTimerHandler } from "../../lib/handlers/etl-timer.js";
import { backfillWorkerHandler } from "../../lib/handlers/backfill-queue.js";
import { safeError } from "../../lib/handlers/runtime.js";

const timer: Timer = { isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: "", next: "", lastUpdated: "" } };
const invocation = () => new InvocationContext({ invocationId: "i", functionName: "f", logHandler: () => undefined });

describe("errors thrown to the Functions host", () => {
  it("leave a timer redacted, under their own class name, with their stack frames", async () => {
    const handler = etlTimerHandler("actions", async () => {
      throw new TypeError("cannot reach mongodb+srv://etl:timerPw99@cluster0.example.net/db");
    });
    const err = await handler(timer, invocation()).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.name).toBe("TypeError");
    expect(err?.message).toBe("cannot reach mongodb+srv://***@cluster0.example.net/db");
    expect(err?.stack).not.toContain("timerPw99");
    expect(err?.stack).toMatch(/\n\s+at /);
  });

  it("leave a queue worker as fixed text when the driver's message quotes a document", async () => {
    const worker = backfillWorkerHandler(async () => {
      throw new MongoServerError({ message: "bad regex /987-65-4321/", code: 2, codeName: "BadValue" });
    });
    await expect(worker({}, invocation())).rejects.toThrow(/^MongoDB server error BadValue \(code 2\)/);
    expect(safeError("SharedAccessKey=qKey123==").message).toBe("SharedAccessKey=***");
  });
});
