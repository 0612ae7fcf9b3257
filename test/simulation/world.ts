import { AsyncLocalStorage } from "node:async_hooks";
import { MongoClient, type Db } from "mongodb";
import { loadConfig, type Config } from "../../lib/config.js";
import { createLogger, memorySink, type LogRecord } from "../../lib/log.js";
import { createEtlContext, type EtlContext } from "../../lib/pipeline/context.js";
import { setCrashHook, type CrashPoint } from "../../lib/pipeline/fault-injection.js";
import { setLeaseClock } from "../../lib/state/collection-lease.js";
import { stackEnv } from "../../scripts/local-stack/index.js";
import { startFaultProxy, type FaultProxy, type RequestFault } from "./fault-proxy.js";

/** The shared local stack (FerretDB or MongoDB, Azurite) a simulation runs on. */
export interface SimStack {
  mongoUri: string;
  storageConnectionString: string;
}

export type StorageService = "blob" | "queue" | "table";

/** What a writer does at a crash point: die there (SIGKILL) or stand still until told to go on. */
export interface CrashPlan {
  point: CrashPoint;
  /** The n-th time the writer reaches the point. */
  nth: number;
  action: "kill" | "pause";
}

export interface WriterFaults {
  crash?: CrashPlan;
  storage?: (RequestFault & { service: StorageService })[];
}

/** One simulated process: its own storage clients (behind its own fault proxies) and lease clock. */
interface Writer {
  label: string;
  crash?: CrashPlan & { hits: number };
  /** Time that passed for this writer alone (its lease expired while it stood still). */
  leaseSkewMs: number;
  proxies: FaultProxy[];
  onStop: (why: "killed" | "paused") => void;
  resume?: () => void;
}

export type WriterOutcome<T> = { state: "done"; value: T } | { state: "failed"; error: string } | { state: "killed" } | { state: "paused"; resume(leaseExpired: boolean): Promise<WriterOutcome<T>> };

const writers = new AsyncLocalStorage<Writer>();
let installed = 0;

/** The process-wide seams (crash hook, lease clock) read the current writer from async context. */
function installHooks(): () => void {
  if (installed++ === 0) {
    setCrashHook(async ({ point }) => {
      const w = writers.getStore();
      if (!w?.crash || w.crash.point !== point || ++w.crash.hits < w.crash.nth) return;
      const { action } = w.crash;
      w.crash = undefined;
      if (action === "kill") {
        for (const p of w.proxies) p.severed = true;
        w.onStop("killed");
        await new Promise<never>(() => undefined); // a killed process runs no further line, no finally
      }
      await new Promise<void>((resolve) => {
        w.resume = resolve;
        w.onStop("paused");
      });
    });
    setLeaseClock(() => performance.now() + (writers.getStore()?.leaseSkewMs ?? 0));
  }
  return () => {
    if (--installed === 0) {
      setCrashHook(undefined);
      setLeaseClock(undefined);
    }
  };
}

const PORT = /(BlobEndpoint|QueueEndpoint|TableEndpoint)=http:\/\/127\.0\.0\.1:(\d+)/g;
const serviceOf = { BlobEndpoint: "blob", QueueEndpoint: "queue", TableEndpoint: "table" } as const;

/** An isolated slice of the stack for one schedule: database, containers, tables and queue of its own. */
export class World {
  readonly logs: LogRecord[] = [];
  private readonly uninstall = installHooks();
  private readonly proxies: FaultProxy[] = [];
  private counter = 0;

  private constructor(
    readonly stack: SimStack,
    readonly env: Record<string, string>,
    readonly config: Config,
    readonly ctx: EtlContext,
    readonly db: Db,
    private readonly client: MongoClient,
  ) {}

  static async create(stack: SimStack, name: string, settings: Record<string, string> = {}): Promise<World> {
    const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`.toLowerCase();
    const env = stackEnv(stack, {
      MONGODB_DATABASE: `sim_${name}_${suffix}`.slice(0, 60),
      LAKE_RAW_CONTAINER: `raw-${suffix}`,
      LAKE_CURATED_CONTAINER: `curated-${suffix}`,
      LAKE_QUARANTINE_CONTAINER: `quarantine-${suffix}`,
      STATE_LOCKS_CONTAINER: `locks-${suffix}`,
      STATE_WATERMARKS_TABLE: `wm${suffix}`,
      STATE_RUNS_TABLE: `runs${suffix}`,
      STATE_JOBS_TABLE: `jobs${suffix}`,
      STATE_AUDIT_TABLE: `audit${suffix}`,
      BACKFILL_QUEUE: `bf-${suffix}`,
      ETL_LEASE_SECONDS: "15",
      ...settings,
    });
    const config = loadConfig(env);
    const world = new World(stack, env, config, undefined as unknown as EtlContext, undefined as unknown as Db, await new MongoClient(config.mongo.uri).connect());
    const sink = memorySink();
    Object.assign(world, { ctx: await createEtlContext(config, createLogger(sink)), db: world.client.db(config.mongo.database), logs: sink.records });
    return world;
  }

  /** A context with storage clients of its own, behind fault proxies (one per service). */
  private async writerContext(faults: WriterFaults): Promise<{ ctx: EtlContext; proxies: FaultProxy[] }> {
    const proxies: FaultProxy[] = [];
    let cs = this.stack.storageConnectionString;
    for (const [, endpoint, port] of [...cs.matchAll(PORT)]) {
      const proxy = await startFaultProxy(Number(port));
      const service = serviceOf[endpoint as keyof typeof serviceOf];
      proxy.faults = (faults.storage ?? []).filter((f) => f.service === service);
      proxies.push(proxy);
      cs = cs.replace(`${endpoint}=http://127.0.0.1:${port}`, `${endpoint}=http://127.0.0.1:${proxy.port}`);
    }
    this.proxies.push(...proxies);
    const config = loadConfig({ ...this.env, LAKE_STORAGE: cs, STATE_STORAGE: cs });
    const ctx = await createEtlContext(config, this.ctx.log);
    return { ctx, proxies };
  }

  /**
   * Runs `work` as one simulated process. Resolves when it finishes, fails, is killed at its crash
   * point, or pauses there (then `resume()` lets it go on, as a writer that lost its lease would).
   */
  async writer<T>(label: string, faults: WriterFaults, work: (ctx: EtlContext) => Promise<T>): Promise<WriterOutcome<T>> {
    let ctx: EtlContext;
    let proxies: FaultProxy[];
    try {
      ({ ctx, proxies } = await this.writerContext(faults));
    } catch (err) {
      // Its storage faults hit the context's set-up already: the process fails before its run starts.
      return { state: "failed", error: err instanceof Error ? err.message : String(err) };
    }
    let stopped: (why: "killed" | "paused") => void = () => undefined;
    const stop = new Promise<"killed" | "paused">((resolve) => (stopped = resolve));
    const w: Writer = { label: `${label}#${++this.counter}`, crash: faults.crash && { ...faults.crash, hits: 0 }, leaseSkewMs: 0, proxies, onStop: (why) => stopped(why) };
    const run = writers.run(w, () => work(ctx)).then(
      (value) => ({ state: "done" as const, value }),
      (err: unknown) => ({ state: "failed" as const, error: err instanceof Error ? err.message : String(err) }),
    );
    const settle = async (): Promise<WriterOutcome<T>> => {
      const first = await Promise.race([run, stop]);
      if (first === "killed") return { state: "killed" };
      if (first === "paused") {
        return {
          state: "paused",
          resume: async (leaseExpired) => {
            // Its lease ran out while it stood still: time passed for it, it must notice and stop.
            if (leaseExpired) w.leaseSkewMs += 10 * 60_000;
            const next = new Promise<"killed" | "paused">((resolve) => (w.onStop = resolve));
            w.resume?.();
            const after = await Promise.race([run, next]);
            return typeof after === "string" ? { state: "killed" } : after;
          },
        };
      }
      return first;
    };
    return settle();
  }

  /** Every lease in the locks container broken: what expiry does for a dead or stalled holder. */
  async expireLeases(): Promise<void> {
    const locks = this.ctx.storage.stateBlobs.getContainerClient(this.config.containers.locks);
    for await (const blob of locks.listBlobsFlat()) {
      if (blob.properties.leaseState === "leased") await locks.getBlobClient(blob.name).getBlobLeaseClient().breakLease(0).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.proxies.splice(0).map((p) => p.close()));
    await this.db.dropDatabase().catch(() => undefined);
    await this.client.close();
    await Promise.all(
      (["raw", "curated", "quarantine", "locks"] as const).map((c) => this.ctx.storage.lake.getContainerClient(this.config.containers[c]).deleteIfExists().catch(() => undefined)),
    );
    this.uninstall();
  }
}
