export { checkHealth, type HealthOptions, type HealthReport } from "./check-health.js";
export { assessCollection, type CollectionHealth, type CollectionState, type Freshness, type RunView } from "./collection-health.js";
export { formatLag, formatStatusTable } from "./status-table.js";
