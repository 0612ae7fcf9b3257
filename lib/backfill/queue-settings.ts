/**
 * The backfill queue's retry policy, as host.json sets it for the Functions host
 * (`extensions.queues`); the in-process drain (CLI, tests) applies the same numbers, and
 * test/backfill/queue-settings.test.ts keeps the two equal. Why these values: docs/BACKFILL.md.
 */
export const queueSettings = {
  /** Chunks one instance takes at a time (plus newBatchThreshold while a batch finishes). */
  batchSize: 4,
  newBatchThreshold: 2,
  /** Attempts before a chunk is moved to `<queue>-poison` and marked failed. */
  maxDequeueCount: 5,
  /** Delay before a failed chunk is tried again; longer than the longest lease (60 s). */
  visibilityTimeoutSeconds: 90,
  maxPollingIntervalSeconds: 10,
} as const;

export function poisonQueueName(queue: string): string {
  return `${queue}-poison`;
}
