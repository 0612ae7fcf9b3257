import type { InvocationContext } from "@azure/functions";
import { handlePoisonMessage } from "../backfill/poison.js";
import { queueSettings } from "../backfill/queue-settings.js";
import { processChunkMessage } from "../backfill/run-chunk.js";
import { hostContext, redactedFailures, type ContextFactory } from "./runtime.js";

/**
 * backfill-worker: one chunk per message. A failure throws, so the host hides the message for
 * host.json's visibilityTimeout and retries it; on the attempt numbered maxDequeueCount the chunk is
 * marked failed before the host moves the message to the poison queue.
 */
export function backfillWorkerHandler(makeContext: ContextFactory = hostContext) {
  return redactedFailures(async (entry: unknown, context: InvocationContext): Promise<void> => {
    const ctx = await makeContext(context);
    const dequeueCount = Number(context.triggerMetadata?.dequeueCount ?? 1);
    await processChunkMessage(ctx, entry, { dequeueCount, maxDequeueCount: queueSettings.maxDequeueCount });
  });
}

/** backfill-poison: marks the chunk failed (with its last recorded reason) if the worker could not. */
export function backfillPoisonHandler(makeContext: ContextFactory = hostContext) {
  return redactedFailures(async (entry: unknown, context: InvocationContext): Promise<void> => {
    await handlePoisonMessage(await makeContext(context), entry);
  });
}
