import { actions } from "./actions.js";
import { errorlogs } from "./errorlogs.js";
import { messages } from "./messages.js";
import { paths } from "./paths.js";
import { profiles } from "./profiles.js";
import type { CollectionSpec } from "./spec.js";
import { tasks } from "./tasks.js";

export type { CollectionSpec, ColumnDef, ColumnType, Derivation, TesterRule } from "./spec.js";
export { changeFieldOf, curatedColumns, DEFAULT_CHANGE_FIELD, isPlacementColumn, lineageColumns, placementSources } from "./spec.js";

/** Every collection the ETL moves, in run order (profiles first: its exclusions feed the rest). */
export const collections: readonly CollectionSpec[] = [profiles, messages, actions, paths, tasks, errorlogs];

export const collectionNames = collections.map((c) => c.name);

export function getCollection(name: string): CollectionSpec {
  const spec = collections.find((c) => c.name === name);
  if (!spec) throw new Error(`Unknown collection "${name}": expected one of ${collectionNames.join(", ")}`);
  return spec;
}
