import type { QueueClient, ReceivedMessageItem } from "@azure/storage-queue";
import type { EtlContext } from "../pipeline/context.js";
import { handlePoisonMessage } from "./poison.js";
import { poisonQueueName, queueSettings } from "./queue-settings.js";
import { processChunkMessage, type ChunkHooks, type ChunkResult } from "./run-chunk.js";
import { errorText } from "../telemetry/error-text.js";

/**
 * Drains the backfill queue in-process, doing what the Functions host does for the
 * `backfill-worker` trigger where there is no host (the CLI, tests, a laptop): receive a message,
 * keep it hidden while its chunk runs, delete it on success; on failure let it reappear after the
 * retry delay, and after the last attempt move it to `<queue>-poison` and mark the chunk failed.
 * Several drains (or a drain and the Functions host) can share a queue, as scale-out instances do.
 */
export interface DrainOptions {
  /** Stop once this is true; asked when the queue looks empty and every 30 s. */
  until: () => Promise<boolean>;
  /** Chunks at a time (host.json batchSize). */
  concurrency?: number;
  maxDequeueCount?: number;
  /** Hidden time after a failed attempt (host.json visibilityTimeout). */
  retryDelaySeconds?: number;
  /** Hidden time while a chunk runs, renewed every third of it; a dead drain's message reappears after it. */
  processingSeconds?: number;
  pollIntervalMs?: number;
  now?: () => Date;
  hooks?: ChunkHooks;
  onEvent?: (event: DrainEvent) => void;
}

export type DrainEvent =
  | { kind: "done"; result: ChunkResult; dequeueCount: number }
  | { kind: "failed"; messageText: string; error: string; dequeueCount: number; poisoned: boolean };

export interface DrainStats {
  attempts: number;
  done: number;
  failedAttempts: number;
  poisoned: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const UNTIL_EVERY_MS = 30_000;

export async function drainQueue(ctx: EtlContext, options: DrainOptions): Promise<DrainStats> {
  const queue = ctx.storage.queue(ctx.config.queues.backfill);
  const poison = ctx.storage.queue(poisonQueueName(ctx.config.queues.backfill));
  const settings = {
    concurrency: options.concurrency ?? queueSettings.batchSize,
    maxDequeueCount: options.maxDequeueCount ?? queueSettings.maxDequeueCount,
    retryDelaySeconds: options.retryDelaySeconds ?? queueSettings.visibilityTimeoutSeconds,
    processingSeconds: options.processingSeconds ?? 30,
    pollIntervalMs: options.pollIntervalMs ?? 1_000,
  };
  const stats: DrainStats = { attempts: 0, done: 0, failedAttempts: 0, poisoned: 0 };
  let stopped = false;
  let lastCheck = Date.now();
  let checking: Promise<boolean> | undefined;
  // Lanes that find the queue empty together share one check.
  const shouldStop = async () => {
    lastCheck = Date.now();
    checking ??= options.until().finally(() => (checking = undefined));
    if (!stopped && (await checking)) stopped = true;
    return stopped;
  };

  const moveToPoison = async (msg: ReceivedMessageItem, popReceipt: string, deliveries: number) => {
    await poison.sendMessage(msg.messageText, { messageTimeToLive: -1 });
    await queue.deleteMessage(msg.messageId, popReceipt).catch(() => undefined);
    stats.poisoned++;
    ctx.log.warn(`Backfill message ${msg.messageId} reached the dequeue limit (${settings.maxDequeueCount}); moved to ${poisonQueueName(ctx.config.queues.backfill)}`);
    await handlePoisonMessage(ctx, msg.messageText, deliveries);
  };

  const handle = async (msg: ReceivedMessageItem) => {
    let popReceipt = msg.popReceipt;
    if (msg.dequeueCount > settings.maxDequeueCount) {
      // Its worker died on the last attempt: the host would move it without running it again.
      await moveToPoison(msg, popReceipt, msg.dequeueCount - 1);
      options.onEvent?.({ kind: "failed", messageText: msg.messageText, error: "dequeue limit reached", dequeueCount: msg.dequeueCount, poisoned: true });
      return;
    }
    let renewing: Promise<void> = Promise.resolve();
    const timer = setInterval(() => {
      renewing = renewing.then(async () => {
        const r = await queue.updateMessage(msg.messageId, popReceipt, undefined, settings.processingSeconds).catch(() => undefined);
        if (r?.popReceipt) popReceipt = r.popReceipt;
      });
    }, (settings.processingSeconds * 1000) / 3);
    const stopRenewing = async () => {
      clearInterval(timer);
      await renewing;
    };
    stats.attempts++;
    try {
      const result = await processChunkMessage(ctx, msg.messageText, {
        dequeueCount: msg.dequeueCount,
        maxDequeueCount: settings.maxDequeueCount,
        now: options.now?.(),
        hooks: options.hooks,
      });
      await stopRenewing();
      await queue.deleteMessage(msg.messageId, popReceipt).catch(() => undefined); // a lost receipt only means a harmless repeat
      stats.done++;
      options.onEvent?.({ kind: "done", result, dequeueCount: msg.dequeueCount });
    } catch (err) {
      await stopRenewing();
      stats.failedAttempts++;
      const last = msg.dequeueCount >= settings.maxDequeueCount;
      if (last) await moveToPoison(msg, popReceipt, msg.dequeueCount);
      else await queue.updateMessage(msg.messageId, popReceipt, undefined, settings.retryDelaySeconds).catch(() => undefined);
      const error = errorText(err);
      options.onEvent?.({ kind: "failed", messageText: msg.messageText, error, dequeueCount: msg.dequeueCount, poisoned: last });
    }
  };

  const lane = async (q: QueueClient) => {
    while (!stopped) {
      const received = await q.receiveMessages({ numberOfMessages: 1, visibilityTimeout: settings.processingSeconds });
      const msg = received.receivedMessageItems[0];
      if (!msg) {
        if (await shouldStop()) return;
        await sleep(settings.pollIntervalMs);
        continue;
      }
      await handle(msg);
      if (Date.now() - lastCheck > UNTIL_EVERY_MS && (await shouldStop())) return;
    }
  };
  await Promise.all(Array.from({ length: settings.concurrency }, () => lane(queue)));
  return stats;
}
