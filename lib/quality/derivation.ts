import type { Document } from "mongodb";
import type { ColumnDef, Derivation } from "../collections/spec.js";
import { readMessage } from "./input.js";
import { COMPONENT_NAMES, scoreMessage, type ComponentName } from "./score.js";
import { QUALITY_VERSION } from "./version.js";

/** Categories whose messages are student/AI exchanges worth scoring; others are system chatter. */
export const SCORED_CATEGORIES: ReadonlySet<string> = new Set(["activity", "question", "profilechat"]);

const componentDescriptions: Record<ComponentName, string> = {
  relevance: "Share of the student's content words the answer reuses, 0-1 (full at half)",
  completeness: "Answer length fit: long enough for the question, not past 400 words, 0-1",
  readability: "Sentence length and long-word share of the answer's prose, 0-1 (null: no prose)",
  integrity: "0 on empty/refusal/error/echo, else 1 less 0.5 per off_topic/truncated/repetitive, 0-1",
  latency: "Wait for the answer: 1 at 10 s or less, 0 at 60 s or more (null: no timestamps)",
  feedback: "Student rating/thumbs, 0-1; flagged gives 0 (null: no feedback)",
};

export const qualityColumns: readonly ColumnDef[] = [
  { name: "quality_score", type: "double", description: "Overall quality 0-100 (null outside activity, question, profilechat)" },
  ...COMPONENT_NAMES.map((name): ColumnDef => ({
    name: `quality_${name}`,
    type: "double",
    description: componentDescriptions[name],
  })),
  { name: "quality_flags", type: "string", description: "Failure signs, comma-separated: empty, refusal, error, echo, off_topic, truncated, repetitive (null: none)" },
  { name: "quality_version", type: "string", description: "Scoring method version (QUALITY_VERSION)" },
];

// One frozen set of nulls shared by every unscored message (a quarter of them are system chatter):
// callers only read derived values, and this costs no allocation per document.
const NULLS: Readonly<Record<string, null>> = Object.freeze(Object.fromEntries(qualityColumns.map((c) => [c.name, null])));

function nulls(): Record<string, null> {
  return NULLS;
}

export function isScoredCategory(category: unknown): boolean {
  return typeof category === "string" && SCORED_CATEGORIES.has(category.trim().toLowerCase());
}

function deriveUnsafe(doc: Document): { values: Record<string, unknown>; note?: string } {
  if (typeof doc !== "object" || doc === null || !isScoredCategory(doc.category)) return { values: nulls() };
  const read = readMessage(doc);
  if ("reason" in read) return { values: nulls(), note: read.reason };
  const { score, components, flags } = scoreMessage(read.input);
  const values: Record<string, unknown> = { quality_score: score };
  for (const name of COMPONENT_NAMES) values[`quality_${name}`] = components[name];
  values.quality_flags = flags.length > 0 ? flags.join(",") : null;
  values.quality_version = QUALITY_VERSION;
  return { values };
}

/**
 * Quality columns of the curated messages table. Never throws: a document that breaks the scorer
 * in a way nobody foresaw gets null scores and a note the run summary counts, not a failed run.
 */
export const messageQuality: Derivation = {
  columns: qualityColumns,
  derive(doc) {
    try {
      return deriveUnsafe(doc);
    } catch {
      return { values: nulls(), note: "unscorable: internal error" };
    }
  },
};
