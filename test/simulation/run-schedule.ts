import { eventKind, eventKinds, hourlyRun, setupEvent, SIM_COLLECTION, type Sim } from "./events.js";
import { checkExactlyOnce } from "./invariant.js";
import { draw, formatSchedule, type Schedule, type SimEvent } from "./schedule.js";
import { World, type SimStack } from "./world.js";

export const SIM_START = new Date("2026-03-20T21:00:00Z");

/** A schedule of `length` events drawn from the registered kinds by their weights. */
export function generateSchedule(seed: number, length = 10): Schedule {
  const d = draw(seed, SIM_START);
  const kinds = eventKinds();
  const total = kinds.reduce((n, k) => n + k.weight, 0);
  const events: SimEvent[] = [setupEvent()];
  while (events.length <= length) {
    let roll = d.random() * total;
    const kind = kinds.find((k) => (roll -= k.weight) < 0) ?? kinds[0]!;
    const event = kind.generate(d);
    if (event) events.push(event);
  }
  return { seed, events };
}

export interface ScheduleResult {
  schedule: Schedule;
  violations: string[];
  trace: string[];
}

/**
 * Applies every event to the real code on the real stack, then settles (faultless hourly runs until
 * the backlog is drained) and checks the exactly-once invariant. No backfill settles: it would
 * rebuild, and so hide, whatever the hourly path lost or doubled.
 */
export async function runSchedule(stack: SimStack, schedule: Schedule, settings: Record<string, string> = {}): Promise<ScheduleResult> {
  const t0 = Date.now();
  const world = await World.create(stack, `s${schedule.seed}`, settings);
  if (process.env.SIM_DEBUG) console.error(`[seed ${schedule.seed}] world ready in ${Date.now() - t0} ms`);
  const sim: Sim = { world, trace: [], late: new Set() };
  if (process.env.SIM_DEBUG) {
    const push = sim.trace.push.bind(sim.trace);
    sim.trace.push = (...lines: string[]) => (lines.forEach((l) => console.error(`[seed ${schedule.seed}] ${l}`)), push(...lines));
  }
  try {
    for (const event of schedule.events) {
      const t0 = Date.now();
      await withWatchdog(eventKind(event.kind).apply(sim, event), `${event.kind} event ${schedule.events.indexOf(event)}`);
      sim.trace[sim.trace.length - 1] += ` [${Date.now() - t0} ms]`;
      if (process.env.SIM_DEBUG) console.error(`[seed ${schedule.seed}]   (${event.kind} took ${Date.now() - t0} ms; ${JSON.stringify(event.faults ?? "")})`);
    }
    const t1 = Date.now();
    await settle(sim, schedule);
    const t2 = Date.now();
    const violations = await checkExactlyOnce(world, SIM_COLLECTION, sim.late);
    if (process.env.SIM_DEBUG) console.error(`[seed ${schedule.seed}] events ${t1 - t0} ms, settle ${t2 - t1} ms, check ${Date.now() - t2} ms`);
    return { schedule, violations, trace: sim.trace };
  } catch (err) {
    return { schedule, violations: [`the simulation itself failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`], trace: sim.trace };
  } finally {
    const t3 = Date.now();
    await world.close();
    if (process.env.SIM_DEBUG) console.error(`[seed ${schedule.seed}] closed in ${Date.now() - t3} ms`);
  }
}

async function settle(sim: Sim, schedule: Schedule): Promise<void> {
  const { world } = sim;
  await world.expireLeases();
  const clocks = schedule.events.map((e) => (typeof e.clock === "string" ? Date.parse(e.clock) : 0));
  const newest = await world.db.collection(SIM_COLLECTION).find({ createdAt: { $type: "date" } }, { sort: { createdAt: -1 }, limit: 1 }).next();
  let clock = new Date(Math.max(SIM_START.getTime(), ...clocks, (newest?.createdAt as Date | undefined)?.getTime() ?? 0) + 3_600_000);
  for (let i = 0; i < 20; i++) {
    const run = await hourlyRun(world.ctx, clock);
    const s = run.summaries[0]!;
    sim.trace.push(`settle hourly ${clock.toISOString()}: ${s.outcome}${s.error ? ` (${s.error})` : ""}, ${s.rawRows} raw`);
    // A replay finishes only its own (crashed) window: the documents after it need a fresh one.
    if (s.outcome === "success" && s.caughtUp && !s.replayed) break;
    clock = new Date(clock.getTime() + 60_000);
  }
}

export function describeFailure(result: ScheduleResult): string {
  return [
    `seed ${result.schedule.seed}: ${result.violations.length} violations`,
    ...result.violations.slice(0, 20).map((v) => `  - ${v}`),
    "trace:",
    ...result.trace.map((t) => `  ${t}`),
    `replay: npm run simulate -- --replay '${formatSchedule(result.schedule)}'`,
  ].join("\n");
}

/** An event that never ends is a finding too (a writer stuck on a call no timeout bounds). */
async function withWatchdog<T>(work: Promise<T>, what: string, ms = 120_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms)));
  try {
    return await Promise.race([work, stuck]);
  } finally {
    clearTimeout(timer);
  }
}
