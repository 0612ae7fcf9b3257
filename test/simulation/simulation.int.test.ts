import { inject, describe, expect, it } from "vitest";
import { describeFailure, generateSchedule, runSchedule } from "./run-schedule.js";

/**
 * The deterministic fault-schedule simulation, a short run: seeded schedules of hourly runs (clocks
 * repeating, going back, skewed; each with its change pass and late-flag purge), nightly compaction
 * and backfill chunks, reconcile, erasure, kills and pauses at every crash point (insert window,
 * change pass, purge/erasure, chunk), writers that lose their lease and wake up, failing and hanging
 * storage calls, and upstream inserts (late, untimed, odd _id types, testers, userId in both forms),
 * updates (ratings, feedback, a value the transform refuses), createdAt moved across days, deletes
 * and profiles flagged later; then settling and the lake invariant (./invariant.ts checkLake).
 * `npm run simulate -- --schedules N` runs more; a failure prints a schedule that replays exactly.
 */
const SCHEDULES = Number(process.env.SIM_SCHEDULES ?? 20);
const FIRST_SEED = Number(process.env.SIM_SEED ?? 1);

describe("fault-schedule simulation", () => {
  const stack = { mongoUri: inject("mongoUri"), storageConnectionString: inject("storageConnectionString") };
  it(`${SCHEDULES} seeded schedules keep the lake exactly the current state, and raw its history`, { timeout: 600_000 }, async () => {
    const failures: string[] = [];
    for (let seed = FIRST_SEED; seed < FIRST_SEED + SCHEDULES; seed++) {
      const result = await runSchedule(stack, generateSchedule(seed, 8));
      if (result.violations.length > 0) failures.push(describeFailure(result));
    }
    expect(failures, failures.join("\n\n")).toEqual([]);
  });
});
