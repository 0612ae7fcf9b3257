import { rng } from "../../scripts/generate/dataset.js";
import type { CrashPlan, WriterFaults } from "./world.js";

/**
 * A schedule is plain data: every event with everything it needs (documents as canonical Extended
 * JSON, clocks as ISO strings, faults), so a failing one printed as JSON replays exactly, whatever
 * the generator later becomes. Event kinds live in a registry (./events.ts); new kinds (updates,
 * deletes, tester flags, erasure) register a generator and an apply step there.
 */
export interface SimEvent {
  kind: string;
  [field: string]: unknown;
}

export interface Schedule {
  seed: number;
  events: SimEvent[];
}

/** What generators see and draw from: the seeded PRNG and the simulated time. */
export interface Draw {
  random(): number;
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  /** The simulated clock, advanced by the hourly events. */
  clock: Date;
  /** Simulated hours so far. */
  hour: number;
  /**
   * Documents drawn so far (for updates, moves, deletes to pick from), as the generator believes
   * them to be: a schedule stays plain data, the apply step finds what MongoDB really holds.
   */
  docs: DrawnDoc[];
  /** Students flagged or erased in this schedule (each at most once). */
  gone: Set<string>;
}

export interface DrawnDoc {
  /** Canonical Extended JSON of the _id. */
  id: string;
  /** createdAt when it is a date (only those move). */
  createdAt?: Date;
}

export function draw(seed: number, start: Date): Draw {
  const next = rng(seed);
  const d: Draw = {
    random: next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    chance: (p) => next() < p,
    clock: start,
    hour: 0,
    docs: [],
    gone: new Set(),
  };
  return d;
}

/** A crash or pause plan for one writer, drawn from the points it passes. */
export function drawCrash(d: Draw, points: readonly CrashPlan["point"][], action: CrashPlan["action"]): CrashPlan {
  const point = d.pick(points);
  const nth = point === "doc-written" ? d.int(1, 6) : point === "partition-closed" || point === "changes-day-written" || point === "purge-written" ? d.int(1, 2) : 1;
  return { point, nth, action };
}

export function drawStorageFaults(d: Draw): WriterFaults["storage"] {
  const service = d.pick(["blob", "blob", "table", "queue"] as const);
  const kind = d.chance(0.08) ? "hang" : "fail";
  return [{ service, kind, nth: d.int(1, 40), count: kind === "fail" && d.chance(0.5) ? 2 : 1 }];
}

export function formatSchedule(schedule: Schedule): string {
  return JSON.stringify(schedule);
}

export function parseSchedule(text: string): Schedule {
  const parsed = JSON.parse(text) as Schedule;
  if (typeof parsed.seed !== "number" || !Array.isArray(parsed.events)) throw new Error("Not a schedule: expected {seed, events: [...]}, as a failing run prints it");
  return parsed;
}
