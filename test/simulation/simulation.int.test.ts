import { inject, describe, expect, it } from "vitest";
import { describeFailure, generateSchedule, runSchedule } from "./run-schedule.js";

/**
 * The deterministic fault-schedule simulation, a short run: seeded schedules of hourly runs (clocks
 * repeating, going back, skewed), nightly compaction and backfill chunks, kills at crash points,
 * writers that lose their lease and wake up, failing and hanging storage calls, and upstream inserts
 * (late, untimed, odd _id types, testers); then settling runs and the exactly-once invariant.
 * `npm run simulate -- --schedules N` runs more; a failure prints a schedule that replays exactly.
 */
const SCHEDULES = Number(process.env.SIM_SCHEDULES ?? 24);
const FIRST_SEED = Number(process.env.SIM_SEED ?? 1);

describe("fault-schedule simulation", () => {
  const stack = { mongoUri: inject("mongoUri"), storageConnectionString: inject("storageConnectionString") };
  it(`${SCHEDULES} seeded schedules keep every document exactly once`, { timeout: 600_000 }, async () => {
    const failures: string[] = [];
    for (let seed = FIRST_SEED; seed < FIRST_SEED + SCHEDULES; seed++) {
      const result = await runSchedule(stack, generateSchedule(seed, 8));
      if (result.violations.length > 0) failures.push(describeFailure(result));
    }
    expect(failures, failures.join("\n\n")).toEqual([]);
  });
});
