import { BSON, type Document, type Filter } from "mongodb";
import { acceptErasure, runErasure } from "../../lib/changes/erasure.js";
import { reconcile } from "../../lib/changes/reconcile.js";
import { getCollection } from "../../lib/collections/index.js";
import { drawCrash, drawStorageFaults, type Draw, type SimEvent } from "./schedule.js";
import { describeOutcome, hourlyRun, recordVersion, registerEventKind, SIM_COLLECTION, students, type Sim } from "./events.js";
import type { CrashPlan, WriterFaults, WriterOutcome } from "./world.js";

/**
 * Changes after creation (issue 11), as events: upstream updates (a rating, feedback, an edit),
 * createdAt moved to another day, deletes, profiles flagged as testers later; and the ETL's
 * reconcile and erasure, each killed or paused at its crash points or hit by storage faults like
 * the hourly runs. The change pass and the purge run inside every hourly event.
 */
const messages = getCollection(SIM_COLLECTION);
const MINUTE = 60_000;
const DAY = 86_400_000;

const parseId = (key: string) => (BSON.EJSON.parse(key, { relaxed: false }) as { id: unknown }).id;

/**
 * A change time as the application writes it: a few minutes past the simulated now, so no hourly
 * run drawn before it (clock skew included, up to +5 min) has passed it: the settle delay's promise
 * that a change is visible within it of its updatedAt.
 */
const changeTime = (d: Draw) => new Date(d.clock.getTime() + d.int(6, 50) * MINUTE + d.int(0, 999));

async function findDoc(sim: Sim, key: string): Promise<Document | null> {
  return sim.world.db.collection(SIM_COLLECTION).findOne({ _id: parseId(key) } as Filter<Document>, { promoteValues: false });
}

async function recordCurrent(sim: Sim, key: string): Promise<void> {
  const doc = await findDoc(sim, key);
  if (doc) recordVersion(sim, doc);
}

registerEventKind({
  kind: "update",
  weight: 2,
  generate: (d) => {
    const target = d.docs.length > 0 ? d.pick(d.docs) : undefined;
    if (!target) return undefined;
    const set: Document = { updatedAt: changeTime(d) };
    const roll = d.random();
    if (roll < 0.5) Object.assign(set, { rating: d.int(1, 5), feedback: d.pick(["up", "down"]) }); // the student rates the answer
    else if (roll < 0.6) set.rating = "excellent"; // a value the transform refuses: that version is quarantined
    else if (roll < 0.8) set.category = d.pick(["question", "activity", "profilechat"]);
    else set.aiResponse = `edited ${d.int(1, 1000)}`;
    return { kind: "update", id: target.id, set: BSON.EJSON.stringify(set, { relaxed: false }) };
  },
  apply: async (sim, e) => {
    const set = BSON.EJSON.parse(e.set as string, { relaxed: false }) as Document;
    const res = await sim.world.db.collection(SIM_COLLECTION).updateOne({ _id: parseId(e.id as string) } as Filter<Document>, { $set: set });
    await recordCurrent(sim, e.id as string);
    sim.trace.push(`update ${e.id as string} ${Object.keys(set).join(",")} at ${(set.updatedAt as Date).toISOString()}${res.matchedCount === 0 ? " (gone)" : ""}`);
  },
});

registerEventKind({
  kind: "move",
  weight: 1,
  generate: (d) => {
    const timed = d.docs.filter((doc) => doc.createdAt);
    if (timed.length === 0) return undefined;
    const target = d.pick(timed);
    const shift = d.pick([-2, -1, -1, 1]) * DAY + d.int(-180, 180) * MINUTE;
    const createdAt = new Date(target.createdAt!.getTime() + shift);
    target.createdAt = createdAt;
    return { kind: "move", id: target.id, createdAt: createdAt.toISOString(), updatedAt: changeTime(d).toISOString() };
  },
  apply: async (sim, e) => {
    const set = { createdAt: new Date(e.createdAt as string), updatedAt: new Date(e.updatedAt as string) };
    const res = await sim.world.db.collection(SIM_COLLECTION).updateOne({ _id: parseId(e.id as string) } as Filter<Document>, { $set: set });
    await recordCurrent(sim, e.id as string);
    sim.trace.push(`move ${e.id as string} to ${e.createdAt as string}${res.matchedCount === 0 ? " (gone)" : ""}`);
  },
});

registerEventKind({
  kind: "delete",
  weight: 1,
  generate: (d) => {
    if (d.docs.length === 0) return undefined;
    const [target] = d.docs.splice(d.int(0, d.docs.length - 1), 1);
    return { kind: "delete", id: target!.id };
  },
  apply: async (sim, e) => {
    const res = await sim.world.db.collection(SIM_COLLECTION).deleteOne({ _id: parseId(e.id as string) } as Filter<Document>);
    if (res.deletedCount > 0) sim.deleted.add(e.id as string);
    sim.trace.push(`delete ${e.id as string}${res.deletedCount === 0 ? " (gone)" : ""}`);
  },
});

/** A profile becomes excluded later, by one of the three rules. */
registerEventKind({
  kind: "flag",
  weight: 0.5,
  generate: (d) => {
    const left = students.filter((s) => !d.gone.has(s.toHexString()));
    if (left.length <= 2) return undefined; // keep two students whose documents stay
    const student = d.pick(left).toHexString();
    d.gone.add(student);
    return { kind: "flag", student, rule: d.pick(["isTester", "isArchived", "first_name"]) };
  },
  apply: async (sim, e) => {
    const set = e.rule === "first_name" ? { first_name: "Dev" } : { [e.rule as string]: true };
    const student = students.find((s) => s.toHexString() === e.student)!;
    await sim.world.db.collection("profiles").updateOne({ _id: student }, { $set: set });
    sim.trace.push(`flag ${e.student as string} (${e.rule as string})`);
  },
});

/** Crash plans of a rewriting writer: killed or paused once its files are durable, or storage faults. */
function drawRewriteFaults(d: Draw, points: readonly CrashPlan["point"][]): { faults: WriterFaults; zombie: boolean } {
  const roll = d.random();
  if (roll < 0.3) return { faults: { crash: { ...drawCrash(d, points, "kill"), nth: d.int(1, 2) } }, zombie: false };
  if (roll < 0.45) return { faults: { crash: { ...drawCrash(d, points, "pause"), nth: 1 } }, zombie: true };
  if (roll < 0.6) return { faults: { storage: drawStorageFaults(d) }, zombie: false };
  return { faults: {}, zombie: false };
}

/**
 * Runs a rewriting writer; a paused one stands still while its leases expire and an hourly run
 * (change pass, purge) goes ahead, then wakes up without them.
 */
async function runRewriter<T>(sim: Sim, label: string, e: SimEvent, work: Parameters<Sim["world"]["writer"]>[2]): Promise<WriterOutcome<T>> {
  const clock = new Date(e.clock as string);
  const outcome = (await sim.world.writer(label, e.faults as WriterFaults, work)) as WriterOutcome<T>;
  sim.trace.push(`${label} ${e.clock as string}: ${describeOutcome(outcome)}`);
  if (outcome.state === "killed") await sim.world.expireLeases();
  if (outcome.state === "paused") {
    await sim.world.expireLeases();
    const hourly = await sim.world.writer("hourly", {}, (ctx) => hourlyRun(ctx, clock));
    sim.trace.push(`  hourly while it stands still: ${describeOutcome(hourly)}`);
    const woke = await outcome.resume(true);
    sim.trace.push(`  ${label} wakes up without its leases: ${describeOutcome(woke)}`);
    return woke;
  }
  return outcome;
}

registerEventKind({
  kind: "reconcile",
  weight: 0.7,
  generate: (d) => ({ kind: "reconcile", clock: d.clock.toISOString(), ...drawRewriteFaults(d, ["changes-day-written"]) }),
  apply: async (sim, e) => {
    const now = new Date(e.clock as string);
    await runRewriter(sim, "reconcile", e, (ctx) => reconcile(ctx, { days: 7, collections: [messages], now }));
  },
});

registerEventKind({
  kind: "erase",
  weight: 0.5,
  generate: (d) => {
    const left = students.filter((s) => !d.gone.has(s.toHexString()));
    if (left.length <= 2) return undefined;
    const student = d.pick(left).toHexString();
    d.gone.add(student);
    return { kind: "erase", student, clock: d.clock.toISOString(), ...drawRewriteFaults(d, ["purge-written"]) };
  },
  apply: async (sim, e) => {
    const now = new Date(e.clock as string);
    await runRewriter(sim, "erasure", e, async (ctx) => {
      const request = await acceptErasure(ctx, { userId: e.student as string, reason: "simulated ticket" }, now);
      return runErasure(ctx, request.key);
    });
  },
});

