import { HttpRequest, InvocationContext, type HttpResponseInit } from "@azure/functions";
import { BSON, ObjectId, type Document } from "mongodb";
import { expect } from "vitest";
import { drainQueue, type DrainOptions, type DrainStats } from "../../lib/backfill/drain.js";
import { isJobFinished, readJobStatus, type JobStatusView } from "../../lib/backfill/job-status.js";
import { parseBackfillRequest, type BackfillRequest } from "../../lib/backfill/request.js";
import { submitBackfill } from "../../lib/backfill/submit.js";
import { backfillStatusHandler, backfillSubmitHandler } from "../../lib/handlers/backfill-http.js";
import { utcDay, type LakeZone } from "../../lib/load/lake-paths.js";
import { runCliProcess, type CliProcessResult } from "../cli/run-cli.js";
import { readCurated } from "../fixtures/lake-readers.js";
import type { TestStack } from "../fixtures/stack.js";

export const hex = (id: unknown) => (id instanceof ObjectId ? id.toHexString() : String(id));

export interface HttpAnswer {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

function answer(response: HttpResponseInit): HttpAnswer {
  return {
    status: response.status ?? 200,
    body: (response.jsonBody ?? {}) as Record<string, unknown>,
    headers: (response.headers ?? {}) as Record<string, string>,
  };
}

const invocation = (functionName: string) => new InvocationContext({ invocationId: "t", functionName, logHandler: () => undefined });

/** The HTTP functions, called as the host would, with the test stack's context and clock. */
export function backfillApi(stack: TestStack, now: () => Date = () => new Date()) {
  const submit = backfillSubmitHandler(async () => stack.ctx, now);
  const status = backfillStatusHandler(async () => stack.ctx);
  return {
    async post(body: unknown): Promise<HttpAnswer> {
      const text = typeof body === "string" ? body : JSON.stringify(body);
      const request = new HttpRequest({ method: "POST", url: "http://localhost:7071/api/backfill", body: { string: text } });
      return answer(await submit(request, invocation("backfill")));
    },
    async get(jobId: string): Promise<HttpAnswer> {
      const request = new HttpRequest({ method: "GET", url: `http://localhost:7071/api/backfill/${jobId}`, params: { jobId } });
      return answer(await status(request, invocation("backfill-status")));
    },
    async job(jobId: string): Promise<JobStatusView> {
      const got = await this.get(jobId);
      expect(got.status).toBe(200);
      return got.body as unknown as JobStatusView;
    },
  };
}

/** Drains the stack's queue until the job is finished, with test-sized delays. */
export function drainJob(stack: TestStack, jobId: string, options: Partial<DrainOptions> = {}): Promise<DrainStats> {
  return drainQueue(stack.ctx, {
    until: () => isJobFinished(stack.ctx, jobId),
    retryDelaySeconds: 1,
    processingSeconds: 10,
    pollIntervalMs: 100,
    ...options,
  });
}

export type ByDay = Record<string, string[]>;

function addTo(map: ByDay, day: string, id: string) {
  (map[day] ??= []).push(id);
}

function sortAll(map: ByDay): ByDay {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => a.localeCompare(b)).map(([d, ids]) => [d, ids.sort()]));
}

/** What the lake should hold for a collection, from the documents themselves. */
export function expectedByDay(collection: string, docs: Document[], testerIds: unknown[]): { raw: ByDay; untimed: ByDay } {
  const testers = new Set(testerIds.map(hex));
  const raw: ByDay = {};
  const untimed: ByDay = {};
  for (const d of docs) {
    if (testers.has(hex(collection === "profiles" ? d._id : d.userId))) continue;
    if (d.createdAt instanceof Date) addTo(raw, utcDay(d.createdAt), hex(d._id));
    else addTo(untimed, utcDay((d._id as ObjectId).getTimestamp()), hex(d._id));
  }
  return { raw: sortAll(raw), untimed: sortAll(untimed) };
}

export interface LakeView {
  /** Blob names per zone per day. */
  files: Record<LakeZone, ByDay>;
  raw: ByDay;
  curated: ByDay;
  quarantine: ByDay;
  /** Curated rows by id, without the lineage column. */
  curatedRows: Record<string, Record<string, unknown>>;
  /** Raw and quarantine file contents by blob name. */
  texts: Record<string, string>;
}

const dayOf = (blobName: string) => /date=(\d{4}-\d{2}-\d{2})\//.exec(blobName)![1]!;

/** The lake of one collection, grouped by partition day (curated read back by DuckDB). */
export async function readLake(stack: TestStack, collection: string): Promise<LakeView> {
  const files: Record<LakeZone, ByDay> = { raw: {}, curated: {}, quarantine: {} };
  const view: LakeView = { files, raw: {}, curated: {}, quarantine: {}, curatedRows: {}, texts: {} };
  for (const zone of ["raw", "curated", "quarantine"] as const) {
    for (const name of await stack.lakeFiles(zone, collection)) {
      addTo(files[zone], dayOf(name), name);
      if (zone === "curated") continue;
      const blob = stack.ctx.storage.lake.getContainerClient(stack.config.containers[zone]).getBlobClient(name);
      const text = (await blob.downloadToBuffer()).toString("utf8");
      view.texts[`${zone}/${name}`] = text;
      for (const line of text.split("\n").filter(Boolean)) {
        const doc = BSON.EJSON.parse(line, { relaxed: false }) as Document;
        addTo(view[zone], dayOf(name), hex(zone === "raw" ? doc._id : doc.doc._id));
      }
    }
  }
  for (const row of (await readCurated(stack, collection)).rows) {
    const id = String(row.id);
    addTo(view.curated, utcDay(row.date as Date), id);
    const { etl_run_id: _lineage, ...rest } = row;
    view.curatedRows[id] = rest;
  }
  view.raw = sortAll(view.raw);
  view.curated = sortAll(view.curated);
  view.quarantine = sortAll(view.quarantine);
  return view;
}

/**
 * Every document once: raw holds exactly the expected timed documents per day, each of them is in
 * curated or quarantine (not both), and untimed ones are in quarantine only.
 */
export function expectLakeMatches(lake: LakeView, expected: { raw: ByDay; untimed: ByDay }, days?: string[]) {
  const only = (map: ByDay) => (days ? Object.fromEntries(Object.entries(map).filter(([d]) => days.includes(d))) : map);
  expect(only(lake.raw)).toEqual(only(expected.raw));
  const allDays = new Set([...Object.keys(only(expected.raw)), ...Object.keys(only(expected.untimed)), ...Object.keys(only(lake.curated)), ...Object.keys(only(lake.quarantine))]);
  for (const day of allDays) {
    const landed = [...(lake.curated[day] ?? []), ...(lake.quarantine[day] ?? [])].sort();
    const wanted = [...(expected.raw[day] ?? []), ...(expected.untimed[day] ?? [])].sort();
    expect(landed, `curated + quarantine of ${day}`).toEqual(wanted);
  }
}

/** One raw, curated and quarantine file at most per partition, all with the job's file id. */
export function expectCompacted(lake: LakeView, days: string[], fileId: string) {
  for (const zone of ["raw", "curated", "quarantine"] as const) {
    for (const day of days) {
      const names = lake.files[zone][day] ?? [];
      expect(names.length, `${zone} files of ${day}: ${names.join(", ")}`).toBeLessThanOrEqual(1);
      for (const name of names) expect(name).toContain(`_${fileId}.`);
    }
  }
}

/** Runs the operator CLI (`npm run etl -- …`) in a child process, killable at a crash point. */
export function runEtlCli(stack: TestStack, args: string[], env: Record<string, string> = {}): Promise<CliProcessResult> {
  return runCliProcess({ ...stack.env, ...env }, args);
}

/** A backfill request from its HTTP body, as of `now`; throws the problems of a bad one. */
export function backfillRequest(body: unknown, now: Date): BackfillRequest {
  const parsed = parseBackfillRequest(body, now);
  if (!parsed.ok) throw new Error(parsed.problems.join("; "));
  return parsed.request;
}

/** Submits a backfill and drains its queue in-process at a fixed clock, until the job is done. */
export async function runBackfill(stack: TestStack, req: BackfillRequest, now: Date, hooks?: Parameters<typeof drainQueue>[1]["hooks"]): Promise<void> {
  const job = await submitBackfill(stack.ctx, req, { now });
  await drainQueue(stack.ctx, { until: () => isJobFinished(stack.ctx, job.jobId), retryDelaySeconds: 1, processingSeconds: 30, pollIntervalMs: 100, now: () => now, hooks });
  expect((await readJobStatus(stack.ctx, job.jobId))?.status).toBe("done");
}
