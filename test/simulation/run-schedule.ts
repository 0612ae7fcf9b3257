import { runErasure } from "../../lib/changes/erasure.js";
import { reconcile } from "../../lib/changes/reconcile.js";
import { getCollection } from "../../lib/collections/index.js";
import { personKey } from "../../lib/changes/person-rows.js";
import { ChangeMarkStore } from "../../lib/state/change-marks.js";
import "./change-events.js";
import { eventKind, eventKinds, hourlyRun, setupEvent, SIM_COLLECTION, type Sim } from "./events.js";
import { checkLake, observeRaw, type Upstream } from "./invariant.js";
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
  const sim: Sim = { world, trace: [], late: new Set(), versions: new Map(), deleted: new Set(), seen: new Map() };
  if (process.env.SIM_DEBUG) {
    const push = sim.trace.push.bind(sim.trace);
    sim.trace.push = (...lines: string[]) => (lines.forEach((l) => console.error(`[seed ${schedule.seed}] ${l}`)), push(...lines));
  }
  try {
    for (const event of schedule.events) {
      const t0 = Date.now();
      const index = schedule.events.indexOf(event);
      await withWatchdog(eventKind(event.kind).apply(sim, event), `${event.kind} event ${index}`);
      sim.trace[sim.trace.length - 1] += ` [${Date.now() - t0} ms]`;
      await observeRaw(world, SIM_COLLECTION, sim.seen, `after event ${index} (${event.kind})`);
      if (process.env.SIM_DEBUG) console.error(`[seed ${schedule.seed}]   (${event.kind} took ${Date.now() - t0} ms; ${JSON.stringify(event.faults ?? "")})`);
    }
    const t1 = Date.now();
    const clock = await settle(sim, schedule);
    const upstream: Upstream = { late: sim.late, deleted: sim.deleted, versions: sim.versions, seen: sim.seen, erased: await erasedPeople(sim) };
    const violations = await checkLake(world, SIM_COLLECTION, upstream, "hourly");
    await finalReconcile(sim, clock);
    const t2 = Date.now();
    violations.push(...(await checkLake(world, SIM_COLLECTION, upstream, "final")));
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

/**
 * Settling: leases expired (every stopped writer is dead), then faultless hourly runs at a clock an
 * hour past every event clock, createdAt and updatedAt (every version is older than the settle
 * delay), until one ran a fresh insert window that caught up and a fresh change pass (neither a
 * replay: a replay finishes only its own bounds), with no change pass or purge failing; then every
 * erasure request not done runs again (as its redelivery would). Returns the settling clock.
 */
async function settle(sim: Sim, schedule: Schedule): Promise<Date> {
  const { world } = sim;
  await world.expireLeases();
  const clocks = schedule.events.map((e) => (typeof e.clock === "string" ? Date.parse(e.clock) : 0));
  const newest = async (field: string) =>
    ((await world.db.collection(SIM_COLLECTION).find({ [field]: { $type: "date" } }, { sort: { [field]: -1 }, limit: 1 }).next())?.[field] as Date | undefined)?.getTime() ?? 0;
  let clock = new Date(Math.max(SIM_START.getTime(), ...clocks, await newest("createdAt"), await newest("updatedAt")) + 3_600_000);
  const marks = new ChangeMarkStore(world.ctx.storage.table(world.config.tables.watermarks));
  for (let i = 0; i < 20; i++) {
    const changeReplay = (await marks.read(SIM_COLLECTION)).pending !== undefined;
    const run = await hourlyRun(world.ctx, clock);
    const s = run.summaries[0]!;
    sim.trace.push(`settle hourly ${clock.toISOString()}: ${s.outcome}${s.error ? ` (${s.error})` : ""}, ${s.rawRows} raw${run.changesFailed.map((c) => `; changes failed: ${c.error}`).join("")}`);
    // A replay finishes only its own (crashed) window: the documents after it need a fresh one.
    if (s.outcome === "success" && s.caughtUp && !s.replayed && !changeReplay && run.changesFailed.length === 0) break;
    clock = new Date(clock.getTime() + 60_000);
  }
  const audit = world.ctx.storage.table(world.config.tables.audit);
  for await (const e of audit.listEntities<{ status: string }>({ queryOptions: { filter: "PartitionKey eq 'erasure'" } })) {
    if (e.status === "done") continue;
    const done = await runErasure(world.ctx, e.rowKey!);
    sim.trace.push(`settle erasure ${e.rowKey!}: ${done.status}`);
  }
  return clock;
}

/** The final step of settling: one reconcile of every day the schedule could have touched (deletes reach the lake only this way). */
async function finalReconcile(sim: Sim, clock: Date): Promise<void> {
  const oldest = await sim.world.db.collection(SIM_COLLECTION).find({ createdAt: { $type: "date" } }, { sort: { createdAt: 1 }, limit: 1 }).next();
  const from = Math.min(SIM_START.getTime() - 4 * 86_400_000, (oldest?.createdAt as Date | undefined)?.getTime() ?? Infinity);
  const days = Math.ceil((clock.getTime() - from) / 86_400_000) + 1;
  const result = await reconcile(sim.world.ctx, { days, collections: [getCollection(SIM_COLLECTION)], now: clock });
  const drift = result.days.filter((d) => d.missing + d.extra + d.duplicates > 0 || d.skipped);
  sim.trace.push(`settle reconcile ${days} days: ${drift.map((d) => `${d.day} ${d.skipped ?? `missing ${d.missing}, extra ${d.extra}, duplicates ${d.duplicates}`}`).join("; ") || "no drift"}`);
}

/** Students of every erasure request (accepted or further): the invariant holds them out of the lake. */
async function erasedPeople(sim: Sim): Promise<Set<string>> {
  const people = new Set<string>();
  const audit = sim.world.ctx.storage.table(sim.world.config.tables.audit);
  for await (const e of audit.listEntities<{ profileId: string }>({ queryOptions: { filter: "PartitionKey eq 'erasure'" } })) {
    const person = personKey(e.profileId);
    if (person) people.add(person);
  }
  return people;
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
