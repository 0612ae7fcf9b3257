import { ramp } from "../ramp.js";

/**
 * Latency: how long the student waited for the answer (respondedAt - createdAt). Generated answers
 * typically take a few seconds; past ten the wait is felt, and at a minute students give up.
 * 1 at 10 s or less, 0 at 60 s or more.
 */
export const LATENCY_GOOD_SECONDS = 10;
export const LATENCY_BAD_SECONDS = 60;

/** null without both timestamps, or when the answer predates the question (clock skew, bad data). */
export function latency(createdAt: Date | undefined, respondedAt: Date | undefined): number | null {
  if (!createdAt || !respondedAt) return null;
  const seconds = (respondedAt.getTime() - createdAt.getTime()) / 1000;
  if (!Number.isFinite(seconds) || seconds < 0) return null;
  return ramp(seconds, LATENCY_BAD_SECONDS, LATENCY_GOOD_SECONDS);
}
