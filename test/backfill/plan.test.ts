import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { chunkMessage, encodeChunkMessage, parseChunkMessage } from "../../lib/backfill/chunk-message.js";
import { chunkFileId, jobIdSchema, newJobId, planChunks } from "../../lib/backfill/plan.js";
import { queueSettings } from "../../lib/backfill/queue-settings.js";
import { lakeBlobName } from "../../lib/load/lake-paths.js";

describe("backfill planning", () => {
  it("makes one chunk per (collection, day), day by day in collection order", () => {
    const chunks = planChunks({ collections: ["tasks", "messages"], from: "2026-02-27", to: "2026-03-01" });
    expect(chunks).toEqual([
      { collection: "messages", day: "2026-02-27" },
      { collection: "tasks", day: "2026-02-27" },
      { collection: "messages", day: "2026-02-28" },
      { collection: "tasks", day: "2026-02-28" },
      { collection: "messages", day: "2026-03-01" },
      { collection: "tasks", day: "2026-03-01" },
    ]);
  });

  it("adds a repaired collection's extra days once, beyond the range", () => {
    const chunks = planChunks({ collections: ["messages", "actions"], from: "2026-03-01", to: "2026-03-02" }, { messages: ["2026-03-02", "2026-03-03"] });
    expect(chunks).toEqual([
      { collection: "messages", day: "2026-03-01" },
      { collection: "actions", day: "2026-03-01" },
      { collection: "messages", day: "2026-03-02" },
      { collection: "actions", day: "2026-03-02" },
      { collection: "messages", day: "2026-03-03" },
    ]);
  });

  it("names jobs by submit time and files recognisably, never like an hourly runId", () => {
    const jobId = newJobId(new Date("2026-11-20T12:00:05Z"), "a1b2c3");
    expect(jobId).toBe("20261120_120005_a1b2c3");
    expect(jobIdSchema.safeParse(jobId).success).toBe(true);
    expect(jobIdSchema.safeParse("20261120_120005").success).toBe(false);
    expect(jobIdSchema.safeParse(newJobId(new Date())).success).toBe(true);
    expect(lakeBlobName("curated", "messages", "2026-11-19", chunkFileId("full", jobId))).toBe(
      "messages/date=2026-11-19/messages_backfill_20261120_120005_a1b2c3.parquet",
    );
    expect(chunkFileId("rescore", jobId)).toBe("rescore_20261120_120005_a1b2c3");
  });

  it("round-trips chunk messages as JSON text, base64 text or an object, and rejects others", () => {
    const message = chunkMessage("20261120_120005_a1b2c3", "full", { collection: "messages", day: "2026-11-19" });
    const text = encodeChunkMessage(message);
    expect(parseChunkMessage(text)).toEqual(message);
    expect(parseChunkMessage(Buffer.from(text).toString("base64"))).toEqual(message);
    expect(parseChunkMessage(JSON.parse(text))).toEqual(message);
    expect(() => parseChunkMessage("not json at all")).toThrow(/malformed \(not JSON\)/);
    expect(() => parseChunkMessage({ ...message, day: "yesterday" })).toThrow(/malformed \(day: must be a UTC date/);
  });
});

describe("queue settings", () => {
  it("are what host.json gives the Functions host", () => {
    const host = JSON.parse(readFileSync(new URL("../../host.json", import.meta.url), "utf8"));
    const seconds = (span: string) => span.split(":").reduce((s, part) => s * 60 + Number(part), 0);
    expect(host.extensions.queues).toEqual({
      batchSize: queueSettings.batchSize,
      newBatchThreshold: queueSettings.newBatchThreshold,
      maxDequeueCount: queueSettings.maxDequeueCount,
      visibilityTimeout: host.extensions.queues.visibilityTimeout,
      maxPollingInterval: host.extensions.queues.maxPollingInterval,
      messageEncoding: "none",
    });
    expect(seconds(host.extensions.queues.visibilityTimeout)).toBe(queueSettings.visibilityTimeoutSeconds);
    expect(seconds(host.extensions.queues.maxPollingInterval)).toBe(queueSettings.maxPollingIntervalSeconds);
    // A retry must come after the lease of a worker that died (ETL_LEASE_SECONDS is at most 60).
    expect(queueSettings.visibilityTimeoutSeconds).toBeGreaterThan(60);
  });
});
