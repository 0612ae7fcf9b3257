import type { Document, Filter } from "mongodb";
import { tieBreakFilter } from "../extract/window.js";
import type { ChangeKey } from "../state/change-marks.js";

/**
 * Documents changed after the committed change mark and no later than `upper` (now minus the
 * settle delay), in (changeField, _id) order: the indexed cursor of the change pass. A document
 * without the change field never matches: it counts as unchanged since creation.
 */
export function changeWindowFilter(field: string, last: ChangeKey | undefined, lower: Date, upper: Date, extra: Filter<Document>[] = []): Filter<Document> {
  const after: Filter<Document> = !last
    ? { [field]: { $gt: lower } }
    : last.id === undefined // a pass that read nothing: everything up to its upper bound was seen
      ? { [field]: { $gt: last.changedAt } }
      : { $or: [{ [field]: { $gt: last.changedAt } }, { $and: [{ [field]: last.changedAt }, tieBreakFilter(last.id)] }] };
  return { $and: [after, { [field]: { $lte: upper, $type: "date" } }, ...extra] } as Filter<Document>;
}

export const changeSort = (field: string) => ({ [field]: 1, _id: 1 }) as const;
