import functions, { type Timer } from "@azure/functions";
import { Binary, BSON, Double, Int32, Long, ObjectId, type Document } from "mongodb";
import { parseBackfillRequest } from "../../lib/backfill/request.js";
import { handlePoisonMessage, processChunkMessage, submitBackfill } from "../../lib/backfill/index.js";
import { getCollection } from "../../lib/collections/index.js";
import { compactionTimerHandler } from "../../lib/handlers/compaction-timer.js";
import { utcDay } from "../../lib/load/lake-paths.js";
import type { EtlContext } from "../../lib/pipeline/context.js";
import { runEtl } from "../../lib/pipeline/run-etl.js";
import { WatermarkStore, type WatermarkState } from "../../lib/state/watermarks.js";
import { drawCrash, drawStorageFaults, type Draw, type SimEvent } from "./schedule.js";
import { idKey, versionOf } from "./invariant.js";
import type { World, WriterFaults, WriterOutcome } from "./world.js";

/** The running simulation an event applies to. */
export interface Sim {
  world: World;
  /** What happened, line by line: printed with a failing schedule. */
  trace: string[];
  /**
   * Keys (./invariant.ts idKey) of documents inserted behind the committed watermark: no hourly
   * window will see them, only a backfill of their day; until one runs they may be absent (never doubled).
   */
  late: Set<string>;
  /** Every version (./invariant.ts versionOf) each document had in MongoDB, by key. */
  versions: Map<string, Set<number>>;
  /** Keys of documents deleted from MongoDB. */
  deleted: Set<string>;
  /** Raw versions observed at quiet points (./invariant.ts observeRaw). */
  seen: Map<string, { person: string | undefined; where: string }>;
}

/** Records the version a document now has in MongoDB (after an insert, update or move). */
export function recordVersion(sim: Sim, doc: Document): void {
  const key = idKey(doc._id);
  (sim.versions.get(key) ?? sim.versions.set(key, new Set()).get(key)!).add(versionOf(doc));
}

/**
 * One kind of event: how often generated schedules hold it, how to draw one, and how to apply it
 * to the real code on the real stack. Register new kinds with registerEventKind.
 */
export interface EventKind {
  kind: string;
  weight: number;
  generate(d: Draw): SimEvent | undefined;
  apply(sim: Sim, event: SimEvent): Promise<void>;
}

const registry = new Map<string, EventKind>();
export function registerEventKind(kind: EventKind): void {
  registry.set(kind.kind, kind);
}
export function eventKinds(): EventKind[] {
  return [...registry.values()];
}
export function eventKind(name: string): EventKind {
  const kind = registry.get(name);
  if (!kind) throw new Error(`Unknown simulation event kind ${name}; known: ${[...registry.keys()].join(", ")}`);
  return kind;
}

export const SIM_COLLECTION = "messages";
const messages = getCollection(SIM_COLLECTION);
const HOUR = 3_600_000;
const MAX_DELIVERIES = 3;

// ---------------------------------------------------------------- documents

export const students = ["65f000000000000000000001", "65f000000000000000000002", "65f000000000000000000003", "65f000000000000000000004"].map((hex) => new ObjectId(hex));
export const tester = new ObjectId("65f0000000000000000000ff");

function objectIdAt(d: Draw, at: Date): ObjectId {
  const seconds = Math.floor(at.getTime() / 1000).toString(16).padStart(8, "0");
  const rest = Array.from({ length: 16 }, () => "0123456789abcdef"[d.int(0, 15)]).join("");
  return new ObjectId(seconds + rest);
}

let oddCounter = 0;
function oddId(d: Draw): unknown {
  const n = d.int(1, 1_000_000) * 10 + (oddCounter++ % 10);
  return d.pick([() => `s-${n}`, () => new Int32(n % 2_000_000_000), () => Long.fromNumber(n * 1000), () => new Double(n + 0.5), () => new Binary(Buffer.from(`b${n}`))])();
}

/** One message as users (and bugs) make them: mostly now, some late, untimed, odd ids, testers; userId as ObjectId or its hex. */
function drawMessage(d: Draw): Document {
  const doc = drawMessageShape(d);
  // Most carry updatedAt (equal to createdAt: unchanged since creation); some have none at all.
  if (doc.createdAt instanceof Date && d.chance(0.8)) doc.updatedAt = doc.createdAt;
  d.docs.push({ id: idKey(doc._id), ...(doc.createdAt instanceof Date ? { createdAt: doc.createdAt } : {}) });
  return doc;
}

function drawMessageShape(d: Draw): Document {
  const now = d.clock;
  const shape = d.random();
  const student = d.pick(students);
  const base = { userId: d.chance(0.3) ? student.toHexString() : student, category: d.pick(["system", "question", "activity"]), studentMessage: "how do I start?", aiResponse: "step by step." };
  const at = (ms: number) => new Date(Math.floor(ms / 1000) * 1000 + d.int(0, 999));
  if (shape < 0.55) return { _id: objectIdAt(d, now), ...base, createdAt: at(now.getTime() - d.int(0, 55) * 60_000) };
  if (shape < 0.65) return { _id: objectIdAt(d, now), ...base, createdAt: at(now.getTime() - d.int(2, 60) * HOUR) }; // behind the watermark
  if (shape < 0.72) return { _id: objectIdAt(d, new Date(now.getTime() - d.int(0, 50) * 60_000)), ...base }; // createdAt missing
  if (shape < 0.76) return { _id: objectIdAt(d, now), ...base, createdAt: now.toISOString() }; // createdAt a string
  if (shape < 0.8) return { _id: oddId(d), ...base, createdAt: d.pick([null, 17, "yesterday"]) }; // untimed, no time in _id
  if (shape < 0.88) return { _id: oddId(d), ...base, createdAt: at(now.getTime() - d.int(0, 55) * 60_000) };
  if (shape < 0.91) return { _id: objectIdAt(d, now), ...base, createdAt: at(now.getTime() + d.int(1, 30) * HOUR) }; // future
  if (shape < 0.94) return { _id: objectIdAt(d, now), ...base, rating: "great", createdAt: at(now.getTime() - d.int(0, 55) * 60_000) }; // fails the transform
  return { _id: objectIdAt(d, now), ...base, userId: d.chance(0.5) ? tester : tester.toHexString(), createdAt: at(now.getTime() - d.int(0, 55) * 60_000) };
}

/** Would no hourly window ever see this document? (A pending window's replay still will.) */
function isBehind(doc: Document, wm: WatermarkState): boolean {
  if (doc.createdAt instanceof Date) return wm.last !== undefined && doc.createdAt <= wm.last.createdAt;
  if (doc._id instanceof ObjectId && wm.windowUpper) return doc._id.getTimestamp() <= wm.windowUpper;
  return false;
}

export function setupEvent(): SimEvent {
  const profiles = [...students.map((_id) => ({ _id, createdAt: new Date("2026-01-01T00:00:00Z") })), { _id: tester, isTester: true, createdAt: new Date("2026-01-01T00:00:00Z") }];
  return { kind: "insert", collection: "profiles", docs: BSON.EJSON.stringify(profiles, { relaxed: false }) };
}

registerEventKind({
  kind: "insert",
  weight: 4,
  generate: (d) => ({ kind: "insert", collection: SIM_COLLECTION, docs: BSON.EJSON.stringify(Array.from({ length: d.int(1, 6) }, () => drawMessage(d)), { relaxed: false }) }),
  apply: async (sim, e) => {
    const docs = BSON.EJSON.parse(e.docs as string, { relaxed: false }) as Document[];
    const wm = await new WatermarkStore(sim.world.ctx.storage.table(sim.world.config.tables.watermarks)).read(e.collection as string);
    for (const doc of docs) if (isBehind(doc, wm)) sim.late.add(idKey(doc._id));
    await sim.world.db.collection(e.collection as string).insertMany(docs);
    if (e.collection === SIM_COLLECTION) for (const doc of docs) recordVersion(sim, doc);
    sim.trace.push(`insert ${docs.length} into ${e.collection as string}`);
  },
});

// ---------------------------------------------------------------- hourly runs

const hourlyPoints = ["after-claim", "doc-written", "partition-closed", "before-commit", "after-commit"] as const;
/** The change pass and the purge run inside the hourly run, after its insert window committed. */
const changePoints = ["changes-claimed", "changes-day-written", "changes-before-commit", "changes-after-commit", "purge-written", "purge-before-commit"] as const;

/** Clocks as they misbehave: the next hour mostly, or the same second again, backwards, skewed. */
function drawClock(d: Draw): { clock: Date; jump: string } {
  const jump = d.pick(["hour", "hour", "hour", "hour", "same", "back", "skew"]);
  if (jump === "hour") {
    d.hour++;
    d.clock = new Date(d.clock.getTime() + HOUR);
  }
  const offset = jump === "back" ? -d.int(10, 90) * 60_000 : jump === "skew" ? d.int(-300, 300) * 1000 : 0;
  return { clock: new Date(d.clock.getTime() + offset), jump };
}

export function hourlyRun(ctx: EtlContext, clock: Date) {
  return runEtl(ctx, { collections: [messages], now: clock });
}

export function describeOutcome(o: WriterOutcome<unknown>): string {
  if (o.state === "failed") return `failed: ${o.error}`;
  if (o.state !== "done") return o.state;
  const r = o.value as Awaited<ReturnType<typeof runEtl>> | undefined;
  const s = r?.summaries?.[0];
  const changes = r?.changesFailed?.map((c) => `; change pass/purge failed: ${c.error ?? c.reason ?? "?"}`).join("") ?? "";
  return s ? `${s.outcome}${s.error ? ` (${s.error})` : ""}, ${s.rawRows} raw, ${s.quarantined} quarantined${changes}` : "done";
}

registerEventKind({
  kind: "hourly",
  weight: 3,
  generate: (d) => {
    const { clock, jump } = drawClock(d);
    const faults: WriterFaults = {};
    const roll = d.random();
    let zombie = false;
    const points = d.chance(0.5) ? hourlyPoints : changePoints;
    if (roll < 0.25) faults.crash = drawCrash(d, points, "kill");
    else if (roll < 0.35) {
      faults.crash = drawCrash(d, points.filter((p) => p !== "after-commit" && p !== "changes-after-commit"), "pause");
      zombie = true;
    } else if (roll < 0.5) faults.storage = drawStorageFaults(d);
    return { kind: "hourly", clock: clock.toISOString(), jump, faults, zombie };
  },
  apply: async (sim, e) => {
    const clock = new Date(e.clock as string);
    const { world } = sim;
    const outcome = await world.writer("hourly", e.faults as WriterFaults, (ctx) => hourlyRun(ctx, clock));
    sim.trace.push(`hourly ${e.clock as string} (${e.jump as string}): ${describeOutcome(outcome)}`);
    if (outcome.state === "killed") await world.expireLeases();
    if (outcome.state === "paused") {
      // Its lease runs out while it stands still; another run replays its window, then it wakes up.
      await world.expireLeases();
      const replay = await world.writer("hourly", {}, (ctx) => hourlyRun(ctx, clock));
      sim.trace.push(`  replay while the first stands still: ${describeOutcome(replay)}`);
      const woke = await outcome.resume(true);
      sim.trace.push(`  the first wakes up without its lease: ${describeOutcome(woke)}`);
    }
  },
});

// ---------------------------------------------------------------- backfill and compaction

interface Delivery {
  faults: WriterFaults;
  /** pause: stands still after writing while its lock expires and the next delivery runs; hourly: an hourly run lands meanwhile. */
  mode: "plain" | "zombie" | "hourly";
}

function drawDeliveries(d: Draw): Delivery[] {
  return Array.from({ length: 8 }, () => {
    const roll = d.random();
    if (roll < 0.2) return { faults: { crash: drawCrash(d, ["backfill-written", "backfill-retired"], "kill") }, mode: "plain" as const };
    if (roll < 0.27) return { faults: { crash: { point: "backfill-written" as const, nth: 1, action: "pause" as const } }, mode: "zombie" as const };
    if (roll < 0.35) return { faults: { crash: { point: "backfill-written" as const, nth: 1, action: "pause" as const } }, mode: "hourly" as const };
    if (roll < 0.42) return { faults: { storage: drawStorageFaults(d) }, mode: "plain" as const };
    return { faults: {}, mode: "plain" as const };
  });
}

/** The queue's part, as the host plays it: deliveries with a dequeue count, poison after the last. */
async function deliverChunks(sim: Sim, clock: Date, deliveries: Delivery[]): Promise<void> {
  const { world } = sim;
  const queue = world.ctx.storage.queue(world.config.queues.backfill);
  const texts: string[] = [];
  for (;;) {
    const got = await queue.receiveMessages({ numberOfMessages: 32, visibilityTimeout: 60 });
    if (got.receivedMessageItems.length === 0) break;
    for (const m of got.receivedMessageItems) {
      texts.push(m.messageText);
      await queue.deleteMessage(m.messageId, m.popReceipt);
    }
  }
  let next = 0;
  for (const text of texts) {
    const chunk = JSON.parse(text) as { day: string };
    let finished = false;
    for (let attempt = 1; attempt <= MAX_DELIVERIES && !finished; attempt++) {
      const delivery = deliveries[next++ % deliveries.length]!;
      const deliver = (faults: WriterFaults, n: number) =>
        world.writer("chunk", faults, (ctx) => processChunkMessage(ctx, text, { dequeueCount: n, maxDequeueCount: MAX_DELIVERIES, now: clock }));
      const outcome = await deliver(delivery.faults, attempt);
      sim.trace.push(`  chunk ${chunk.day} attempt ${attempt} (${delivery.mode}): ${describeOutcome(outcome)}`);
      if (outcome.state === "done") finished = true;
      if (outcome.state === "killed") await world.expireLeases();
      if (outcome.state === "paused" && delivery.mode === "hourly") {
        const hourly = await world.writer("hourly", {}, (ctx) => hourlyRun(ctx, clock));
        sim.trace.push(`    hourly meanwhile: ${describeOutcome(hourly)}`);
        const woke = await outcome.resume(false);
        sim.trace.push(`    chunk goes on: ${describeOutcome(woke)}`);
        finished = woke.state === "done";
      } else if (outcome.state === "paused") {
        await world.expireLeases();
        if (attempt < MAX_DELIVERIES) {
          attempt++;
          const other = await deliver({}, attempt);
          sim.trace.push(`    redelivered while it stands still (attempt ${attempt}): ${describeOutcome(other)}`);
          finished = other.state === "done";
        }
        const woke = await outcome.resume(true);
        sim.trace.push(`    the first wakes up without its lock: ${describeOutcome(woke)}`);
      }
    }
    if (!finished) {
      await handlePoisonMessage(world.ctx, text, MAX_DELIVERIES, { now: clock });
      sim.trace.push(`  chunk ${chunk.day}: poisoned`);
    }
  }
}

const timer = { isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: "", next: "", lastUpdated: "" } } as Timer;

registerEventKind({
  kind: "compaction",
  weight: 1,
  generate: (d) => ({ kind: "compaction", clock: d.clock.toISOString(), deliveries: drawDeliveries(d) }),
  apply: async (sim, e) => {
    const clock = new Date(e.clock as string);
    try {
      await compactionTimerHandler(async () => sim.world.ctx, () => clock)(timer, new functions.InvocationContext({ invocationId: "sim", functionName: "etl-compact" }));
      sim.trace.push(`compaction ${e.clock as string}`);
    } catch (err) {
      sim.trace.push(`compaction ${e.clock as string} refused: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    await deliverChunks(sim, clock, e.deliveries as Delivery[]);
  },
});

registerEventKind({
  kind: "backfill",
  weight: 1,
  generate: (d) => {
    const to = new Date(d.clock.getTime() - d.int(0, 2) * 86_400_000);
    return { kind: "backfill", clock: d.clock.toISOString(), from: utcDay(new Date(to.getTime() - d.int(0, 2) * 86_400_000)), to: utcDay(to), deliveries: drawDeliveries(d) };
  },
  apply: async (sim, e) => {
    const clock = new Date(e.clock as string);
    await submitAndDeliver(sim, clock, e.from as string, e.to as string, e.deliveries as Delivery[]);
  },
});

export async function submitAndDeliver(sim: Sim, clock: Date, from: string, to: string, deliveries: Delivery[]): Promise<void> {
  const parsed = parseBackfillRequest({ from, to, collections: [SIM_COLLECTION] }, clock);
  if (!parsed.ok) throw new Error(`simulation drew a bad backfill: ${parsed.problems.join("; ")}`);
  try {
    const job = await submitBackfill(sim.world.ctx, parsed.request, { now: clock });
    sim.trace.push(`backfill ${from}..${to}: ${job.chunks} chunks`);
  } catch (err) {
    sim.trace.push(`backfill ${from}..${to} refused: ${err instanceof Error ? err.message.split("\n").join(" ") : String(err)}`);
    return;
  }
  await deliverChunks(sim, clock, deliveries);
}
