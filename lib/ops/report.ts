import { collections } from "../collections/index.js";
import type { Config } from "../config.js";
import { checkHealth } from "../health/index.js";
import { daysBetween, utcDay } from "../load/lake-paths.js";
import type { StorageClients } from "../storage/clients.js";
import { curatedRows, jsonlLines } from "./curated-files.js";
import { listLakeFiles } from "./lake-listing.js";
import { CollectionMeasures, findingLevels, type CollectionQuality, type Finding, type FindingLevel } from "./report-measures.js";

export interface QualityReport {
  generatedAt: string;
  from: string;
  to: string;
  days: number;
  /** The worst finding's level, or "ok". */
  worst: FindingLevel | "ok";
  findings: Finding[];
  collections: CollectionQuality[];
}

export interface ReportOptions {
  days?: number;
  collections?: readonly string[];
  now?: Date;
}

export const DEFAULT_REPORT_DAYS = 7;
const DAY_MS = 86_400_000;

/**
 * `etl report`: reads the last N UTC days of curated (every row, one file at a time) and quarantine
 * (reasons), the watermarks and run history (timeliness), and measures them. Findings are sorted
 * worst first.
 */
export async function buildReport(deps: { config: Config; storage: StorageClients }, options: ReportOptions = {}): Promise<QualityReport> {
  const now = options.now ?? new Date();
  const n = options.days ?? DEFAULT_REPORT_DAYS;
  const days = daysBetween(new Date(now.getTime() - (n - 1) * DAY_MS), now);
  const daySet = new Set(days);
  const specs = collections.filter((c) => !options.collections || options.collections.includes(c.name));
  const health = await checkHealth(deps, { now, collections: specs.map((s) => s.name) });
  const curated = deps.storage.lake.getContainerClient(deps.config.containers.curated);
  const quarantine = deps.storage.lake.getContainerClient(deps.config.containers.quarantine);

  const measured: CollectionQuality[] = [];
  const findings: Finding[] = [];
  for (const spec of specs) {
    const m = new CollectionMeasures(spec, days, utcDay(now));
    for (const file of await listLakeFiles(curated, spec.name, daySet)) {
      for await (const row of curatedRows(curated.getBlobClient(file.name))) m.addRow(file.day, row);
    }
    for (const file of await listLakeFiles(quarantine, spec.name, daySet)) {
      for (const line of await jsonlLines(quarantine.getBlobClient(file.name))) m.addQuarantined(reasonOf(line));
    }
    const h = health.collections.find((c) => c.collection === spec.name);
    const result = m.finish(h ? { status: h.status, lagMinutes: h.lagMinutes, completeUpTo: h.completeUpTo ?? null } : null, deps.config.health.maxLagMinutes);
    measured.push(result.measures);
    findings.push(...result.findings);
  }
  findings.sort((a, b) => findingLevels.indexOf(a.level) - findingLevels.indexOf(b.level));
  return {
    generatedAt: now.toISOString(),
    from: days[0]!,
    to: days.at(-1)!,
    days: n,
    worst: findings[0]?.level ?? "ok",
    findings,
    collections: measured,
  };
}

function reasonOf(line: string): string {
  try {
    const reason = (JSON.parse(line) as { reason?: unknown }).reason;
    return typeof reason === "string" ? reason : "(no reason recorded)";
  } catch {
    return "(unreadable quarantine line)";
  }
}

/** 1 when the report holds an error or a critical finding, else 0. */
export function reportExitCode(report: QualityReport): number {
  return report.worst === "critical" || report.worst === "error" ? 1 : 0;
}
