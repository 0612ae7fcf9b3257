import { ObjectId, type Db, type Document, type Filter } from "mongodb";

/**
 * The seed's tester rules: a profile is excluded when it is a tester, archived, or carries a
 * non-empty `first_name` (real students have no such field; developer-made profiles do).
 */
export const excludedProfileFilter: Filter<Document> = {
  $or: [
    { isTester: true },
    { isArchived: true },
    { first_name: { $type: "string", $ne: "" } },
  ],
};

export interface TesterExclusion {
  /** Excluded profile ids as stored. */
  profileIds: unknown[];
  /** Every form each id may take in other collections (ObjectId and 24-hex string). */
  idVariants: unknown[];
  /**
   * Erased students, every id form (also in idVariants): kept out of every collection by its person
   * field, the profile's own row (`_id`) and error logs included, which the tester rules do not cover.
   */
  erased?: unknown[];
}

const HEX24 = /^[0-9a-f]{24}$/i;

/** Both forms of an id: real collections store userId as ObjectId in some documents, as hex in others. */
export function idForms(id: unknown): unknown[] {
  if (id instanceof ObjectId) return [id, id.toHexString()];
  if (typeof id === "string" && HEX24.test(id)) {
    const lower = id.toLowerCase();
    return [...new Set<unknown>([id, lower]), new ObjectId(lower)];
  }
  return [id];
}

export async function loadTesterExclusion(db: Db, profilesCollection = "profiles"): Promise<TesterExclusion> {
  const docs = await db
    .collection(profilesCollection)
    .find(excludedProfileFilter, { projection: { _id: 1 } })
    .toArray();
  const profileIds = docs.map((d) => d._id);
  return { profileIds, idVariants: profileIds.flatMap(idForms) };
}
