import type { Derivation } from "../collections/spec.js";

// Placeholder until the scoring issue lands: columns exist, values are null.
export const QUALITY_VERSION = "0";

export const messageQuality: Derivation = {
  columns: [
    { name: "quality_score", type: "double", description: "Overall quality 0-100 (null outside scored categories)" },
    { name: "quality_version", type: "string", description: "Scoring method version" },
  ],
  derive: () => ({ values: { quality_score: null, quality_version: null } }),
};
