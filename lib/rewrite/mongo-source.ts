import { decodeDocument, documentReadOptions } from "../extract/decode-document.js";
import type { Collection, Document, Filter, Sort } from "mongodb";
import type { Reread } from "./document-sink.js";

/** Documents of a MongoDB query in order, the cursor closed however the consumer stops. */
export async function* mongoDocuments(collection: Collection, filter: Filter<Document>, sort: Sort, batchSize: number, projection?: Document): AsyncGenerator<Document> {
  const cursor = collection.find(filter, { sort, batchSize, ...(projection ? { projection } : {}), ...documentReadOptions });
  try {
    for await (const doc of cursor) yield doc;
  } finally {
    await cursor.close();
  }
}

/**
 * The sink's re-read for documents of `collection`: the document's BSON bytes, decoded with dates
 * outside the JS range kept exact (lib/extract/decode-document.ts), as the hourly path does.
 * Undefined when it is gone meanwhile (the sink then keeps what it has).
 */
export function exactDocument(collection: Collection): Reread {
  return async (doc) => {
    const bytes = await collection.find({ _id: doc._id }, { raw: true, limit: 1 }).next();
    return bytes ? decodeDocument(bytes as unknown as Uint8Array) : undefined;
  };
}
