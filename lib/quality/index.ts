export { messageQuality, qualityColumns, SCORED_CATEGORIES, isScoredCategory } from "./derivation.js";
export { readMessage, type MessageInput } from "./input.js";
export { scoreMessage, combine, WEIGHTS, HARD_FAILURE_CAP, COMPONENT_NAMES, type ComponentName, type QualityScore } from "./score.js";
export { FAILURE_FLAGS, HARD_FAILURES, type FailureFlag } from "./components/integrity.js";
export { QUALITY_VERSION } from "./version.js";
