/**
 * Version of the scoring method, stored beside every score. Any change that can move a score
 * (a weight, a threshold, a pattern, a stopword, tokenising) is a new version: bump the minor for a
 * recalibration, the major for a new component or formula, and backfill to re-score history so one
 * chart never mixes versions. Docs: docs/quality-scoring.md.
 */
export const QUALITY_VERSION = "1.0.0";
