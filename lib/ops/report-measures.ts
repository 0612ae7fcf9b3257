import { curatedColumns, isPlacementColumn, lineageColumns, type CollectionSpec } from "../collections/index.js";

/**
 * The data-quality measures of `etl report` (seed 004's framework): volume with anomalies against a
 * trailing median, completeness, validity, timeliness, uniqueness and the quality-score distribution.
 * Pure: rows go in, a report comes out, so the thresholds are unit-tested without a lake.
 */
export type FindingLevel = "critical" | "error" | "warning" | "info";
export const findingLevels: readonly FindingLevel[] = ["critical", "error", "warning", "info"];

export interface Finding {
  level: FindingLevel;
  collection: string;
  measure: "volume" | "completeness" | "validity" | "timeliness" | "uniqueness" | "quality";
  message: string;
}

/** Thresholds, in one place (docs/OPERATIONS.md lists them). */
export const thresholds = {
  /** Days (and hours) before this many rows in the trailing median are too small to judge. */
  minMedian: 10,
  trailingDays: 7,
  trailingHours: 24,
  /** A day outside [low, high] × its trailing median is an anomaly (a warning; zero rows an error). */
  dayLow: 0.5,
  dayHigh: 2,
  /** Hours swing more: outside [low, high] × the trailing 24-hour median (info). */
  hourLow: 0.25,
  hourHigh: 4,
  /** Required columns: any null is a warning, this share or more an error. */
  requiredNullError: 0.5,
  /** Optional columns null in at least this share of rows are listed (info). */
  mostlyNull: 0.95,
  /** Quarantine above this share of a collection's documents is an error (any is a warning). */
  quarantineError: 0.01,
} as const;

export interface DayVolume {
  day: string;
  rows: number;
  /** Trailing median of the previous days in the report, when there were enough. */
  median: number | null;
  anomaly: boolean;
}

export interface HourVolume {
  /** `YYYY-MM-DDTHH` (UTC). */
  hour: string;
  rows: number;
  median: number | null;
  anomaly: boolean;
}

export interface ColumnCompleteness {
  column: string;
  required: boolean;
  nulls: number;
  rate: number;
}

export interface CategoryQuality {
  category: string;
  scored: number;
  unscored: number;
  mean: number | null;
  /** Counts of scores in [0, 0.1), [0.1, 0.2), … [0.9, 1.0]. */
  buckets: number[];
}

export interface CollectionQuality {
  collection: string;
  rows: number;
  volume: { days: DayVolume[]; hours: HourVolume[] };
  completeness: ColumnCompleteness[];
  validity: { rowsWithIssues: number; issueRate: number; byField: Record<string, number>; quarantined: number; quarantineRate: number; reasons: Record<string, number> };
  timeliness: { status: string; lagMinutes: number | null; completeUpTo: string | null } | null;
  uniqueness: { duplicateIds: number; examples: string[] };
  quality: CategoryQuality[] | null;
}

export interface CuratedRowView {
  [column: string]: unknown;
}

export interface Timeliness {
  status: string;
  lagMinutes: number | null;
  completeUpTo: string | null;
}

/** Collects one collection's rows and quarantine lines, then measures. */
export class CollectionMeasures {
  private rows = 0;
  private readonly byDay = new Map<string, number>();
  private readonly byHour = new Map<string, number>();
  private readonly nulls = new Map<string, number>();
  private readonly ids = new Map<string, number>();
  private rowsWithIssues = 0;
  private readonly issueFields = new Map<string, number>();
  private readonly reasons = new Map<string, number>();
  private quarantined = 0;
  private readonly categories = new Map<string, { scores: number[]; unscored: number }>();
  private readonly columns: { name: string; required: boolean }[];

  constructor(
    private readonly spec: CollectionSpec,
    /** Every UTC day the report covers, oldest first. */
    private readonly days: readonly string[],
    /** Today, partial: never judged for volume. */
    private readonly partialDay?: string,
  ) {
    // Placement columns are never null; lineage columns (extra_json, etl_issues, etl_run_id) are null by design.
    const lineage = new Set(lineageColumns.map((c) => c.name));
    this.columns = curatedColumns(spec)
      .filter((c) => !isPlacementColumn(c) && !lineage.has(c.name))
      .map((c) => ({ name: c.name, required: c.required === true }));
    for (const c of this.columns) this.nulls.set(c.name, 0);
  }

  addRow(day: string, row: CuratedRowView): void {
    this.rows++;
    this.byDay.set(day, (this.byDay.get(day) ?? 0) + 1);
    const at = row.created_at;
    if (at instanceof Date) {
      const hour = at.toISOString().slice(0, 13);
      this.byHour.set(hour, (this.byHour.get(hour) ?? 0) + 1);
    }
    for (const c of this.columns) if (row[c.name] === null || row[c.name] === undefined) this.nulls.set(c.name, this.nulls.get(c.name)! + 1);
    const id = String(row.id);
    this.ids.set(id, (this.ids.get(id) ?? 0) + 1);
    if (typeof row.etl_issues === "string") {
      this.rowsWithIssues++;
      for (const field of issueFieldsOf(row.etl_issues)) this.issueFields.set(field, (this.issueFields.get(field) ?? 0) + 1);
    }
    if (this.spec.name === "messages") {
      const category = typeof row.category === "string" ? row.category : "(none)";
      const entry = this.categories.get(category) ?? { scores: [], unscored: 0 };
      if (typeof row.quality_score === "number") entry.scores.push(row.quality_score);
      else entry.unscored++;
      this.categories.set(category, entry);
    }
  }

  addQuarantined(reason: string): void {
    this.quarantined++;
    this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
  }

  finish(timeliness: Timeliness | null, maxLagMinutes: number): { measures: CollectionQuality; findings: Finding[] } {
    const findings: Finding[] = [];
    const name = this.spec.name;
    const add = (level: FindingLevel, measure: Finding["measure"], message: string) => findings.push({ level, collection: name, measure, message });

    const days = trailing(this.days.map((day) => ({ key: day, rows: this.byDay.get(day) ?? 0 })), thresholds.trailingDays, 3, thresholds.dayLow, thresholds.dayHigh, (k) => k === this.partialDay);
    for (const d of days.filter((d) => d.anomaly)) {
      const level = d.rows === 0 ? "error" : "warning";
      add(level, "volume", `${d.key}: ${d.rows} rows against a trailing median of ${d.median} (×${ratio(d.rows, d.median!)})`);
    }
    const hourKeys = this.days.flatMap((day) => Array.from({ length: 24 }, (_, h) => `${day}T${String(h).padStart(2, "0")}`));
    const lastHour = [...this.byHour.keys()].sort().at(-1);
    const hours = trailing(hourKeys.map((key) => ({ key, rows: this.byHour.get(key) ?? 0 })), thresholds.trailingHours, 12, thresholds.hourLow, thresholds.hourHigh, (k) => lastHour === undefined || k >= lastHour);
    const odd = hours.filter((h) => h.anomaly);
    if (odd.length > 0) add("info", "volume", `${odd.length} hour(s) outside ×${thresholds.hourLow}–×${thresholds.hourHigh} of the trailing ${thresholds.trailingHours}-hour median, e.g. ${odd.slice(0, 3).map((h) => `${h.key}:00 ${h.rows} vs ${h.median}`).join(", ")}`);

    const completeness = this.columns.map((c) => {
      const nulls = this.nulls.get(c.name)!;
      return { column: c.name, required: c.required, nulls, rate: this.rows ? nulls / this.rows : 0 };
    });
    for (const c of completeness) {
      if (c.required && c.nulls > 0) add(c.rate >= thresholds.requiredNullError ? "error" : "warning", "completeness", `required column ${c.column} is null in ${pct(c.rate)} of rows (${c.nulls})`);
      else if (!c.required && this.rows >= thresholds.minMedian && c.rate >= thresholds.mostlyNull) add("info", "completeness", `${c.column} is null in ${pct(c.rate)} of rows`);
    }

    const documents = this.rows + this.quarantined;
    const issueRate = this.rows ? this.rowsWithIssues / this.rows : 0;
    const quarantineRate = documents ? this.quarantined / documents : 0;
    if (this.rowsWithIssues > 0) {
      const fields = [...this.issueFields].sort((a, b) => b[1] - a[1]).map(([f, n]) => `${f} ${n}`).join(", ");
      add("warning", "validity", `${this.rowsWithIssues} rows (${pct(issueRate)}) carry etl_issues: ${fields}`);
    }
    if (this.quarantined > 0) {
      const reasons = [...this.reasons].sort((a, b) => b[1] - a[1]).map(([r, n]) => `${r} (${n})`).join(", ");
      add(quarantineRate > thresholds.quarantineError ? "error" : "warning", "validity", `${this.quarantined} documents quarantined (${pct(quarantineRate)}): ${reasons}`);
    }

    if (timeliness?.status === "stale") add("error", "timeliness", `complete only up to ${timeliness.completeUpTo ?? "never"}: ${timeliness.lagMinutes ?? "∞"} min behind (more than ${maxLagMinutes})`);

    const duplicates = [...this.ids].filter(([, n]) => n > 1);
    if (duplicates.length > 0) add("critical", "uniqueness", `${duplicates.length} ids appear more than once in curated (must be 0), e.g. ${duplicates.slice(0, 3).map(([id, n]) => `${id} ×${n}`).join(", ")}`);

    const quality =
      this.spec.name === "messages"
        ? [...this.categories].sort(([a], [b]) => a.localeCompare(b)).map(([category, e]) => ({
            category,
            scored: e.scores.length,
            unscored: e.unscored,
            mean: e.scores.length ? round(e.scores.reduce((s, x) => s + x, 0) / e.scores.length) : null,
            buckets: bucketsOf(e.scores),
          }))
        : null;
    for (const q of quality ?? []) if (q.scored > 0) add("info", "quality", `${q.category}: mean quality ${q.mean} over ${q.scored} scored messages`);

    return {
      measures: {
        collection: name,
        rows: this.rows,
        volume: {
          days: days.map((d) => ({ day: d.key, rows: d.rows, median: d.median, anomaly: d.anomaly })),
          hours: hours.map((h) => ({ hour: h.key, rows: h.rows, median: h.median, anomaly: h.anomaly })),
        },
        completeness,
        validity: {
          rowsWithIssues: this.rowsWithIssues,
          issueRate,
          byField: Object.fromEntries(this.issueFields),
          quarantined: this.quarantined,
          quarantineRate,
          reasons: Object.fromEntries(this.reasons),
        },
        timeliness,
        uniqueness: { duplicateIds: duplicates.length, examples: duplicates.slice(0, 5).map(([id]) => id) },
        quality,
      },
      findings,
    };
  }
}

function issueFieldsOf(text: string): string[] {
  try {
    const parsed = JSON.parse(text) as { field?: unknown }[];
    return Array.isArray(parsed) ? parsed.map((i) => String(i.field)) : ["(unreadable etl_issues)"];
  } catch {
    return ["(unreadable etl_issues)"];
  }
}

/** Each point against the median of up to `window` points before it (at least `minPrior`). */
function trailing(
  points: { key: string; rows: number }[],
  window: number,
  minPrior: number,
  low: number,
  high: number,
  skip: (key: string) => boolean,
): { key: string; rows: number; median: number | null; anomaly: boolean }[] {
  return points.map((p, i) => {
    const prior = points.slice(Math.max(0, i - window), i).map((q) => q.rows);
    const m = prior.length >= minPrior ? median(prior) : null;
    const anomaly = m !== null && m >= thresholds.minMedian && !skip(p.key) && (p.rows < m * low || p.rows > m * high);
    return { ...p, median: m, anomaly };
  });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function bucketsOf(scores: number[]): number[] {
  const buckets = new Array<number>(10).fill(0);
  for (const s of scores) buckets[Math.min(9, Math.max(0, Math.floor(s * 10)))]!++;
  return buckets;
}

const round = (x: number) => Math.round(x * 1000) / 1000;
const ratio = (a: number, b: number) => (b === 0 ? "∞" : (a / b).toFixed(2));
export const pct = (rate: number) => `${(rate * 100).toFixed(1)}%`;
