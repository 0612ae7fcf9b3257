import { documentReadOptions } from "../extract/decode-document.js";
import type { Collection, Document, Filter, Sort } from "mongodb";

/** Documents of a MongoDB query in order, the cursor closed however the consumer stops. */
export async function* mongoDocuments(collection: Collection, filter: Filter<Document>, sort: Sort, batchSize: number): AsyncGenerator<Document> {
  const cursor = collection.find(filter, { sort, batchSize, ...documentReadOptions });
  try {
    for await (const doc of cursor) yield doc;
  } finally {
    await cursor.close();
  }
}
