import type { InvocationContext } from "@azure/functions";
import { queueSettings } from "../backfill/queue-settings.js";
import { handleErasurePoison, processErasureMessage } from "../changes/erasure-queue.js";
import { hostContext, redactedFailures, type ContextFactory } from "./runtime.js";

const dequeueCountOf = (context: InvocationContext) => Number(context.triggerMetadata?.dequeueCount ?? 1);

/**
 * erasure-worker: one erasure request per message (lib/changes/erasure-queue.ts). A failure throws,
 * so the host hides the message for host.json's visibilityTimeout and retries it; the attempt
 * numbered maxDequeueCount marks the request failed before the host moves it to the poison queue.
 */
export function erasureWorkerHandler(makeContext: ContextFactory = hostContext) {
  return redactedFailures(async (entry: unknown, context: InvocationContext): Promise<void> => {
    const ctx = await makeContext(context);
    await processErasureMessage(ctx, entry, { dequeueCount: dequeueCountOf(context), maxDequeueCount: queueSettings.maxDequeueCount });
  });
}

/** erasure-poison: marks the request failed (with its last recorded reason) if the worker could not. */
export function erasurePoisonHandler(makeContext: ContextFactory = hostContext) {
  return redactedFailures(async (entry: unknown, context: InvocationContext): Promise<void> => {
    await handleErasurePoison(await makeContext(context), entry, queueSettings.maxDequeueCount); // the host poisons after that many
  });
}
