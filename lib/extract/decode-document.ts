import { BSON, type Document } from "mongodb";
import { OutOfRangeDate } from "../transform/bson-values.js";

/**
 * How documents are read everywhere: numeric wrappers kept (raw stays typed) and regexes as
 * BSONRegExp (the JS conversion turns flag `s` into `g` and throws on PCRE-only patterns).
 */
export const documentReadOptions = { promoteValues: false, bsonRegExp: true } as const;

const JS_DATE_LIMIT = 8_640_000_000_000_000n;
const utf8 = new TextDecoder();

/**
 * Decodes one BSON document as the cursor would, but keeps dates a JS Date cannot hold as
 * OutOfRangeDate with their exact int64 milliseconds. Used on the rare documents whose dates the
 * driver turned into Invalid Date (detected on the raw line), re-read with `raw: true`.
 */
export function decodeDocument(bytes: Uint8Array): Document {
  const doc = BSON.deserialize(bytes, documentReadOptions);
  restoreDates(bytes, 0, doc);
  return doc;
}

const isPlain = (v: unknown): v is Record<string, unknown> =>
  Array.isArray(v) || (typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype);

/** Walks the BSON bytes of one (sub)document beside its decoded form, replacing out-of-range dates. */
function restoreDates(buf: Uint8Array, start: number, target: Record<string, unknown>): void {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const end = start + view.getInt32(start, true) - 1;
  let i = start + 4;
  const int32 = () => view.getInt32(i, true);
  const cstringEnd = () => buf.indexOf(0, i);
  while (i < end) {
    const type = buf[i++]!;
    const nameEnd = cstringEnd();
    const name = utf8.decode(buf.subarray(i, nameEnd));
    i = nameEnd + 1;
    switch (type) {
      case 0x09: {
        const ms = view.getBigInt64(i, true);
        if (ms > JS_DATE_LIMIT || ms < -JS_DATE_LIMIT) target[name] = new OutOfRangeDate(ms);
        i += 8;
        break;
      }
      case 0x03:
      case 0x04: {
        const child = target[name];
        if (isPlain(child)) restoreDates(buf, i, child);
        i += int32();
        break;
      }
      case 0x01: case 0x11: case 0x12: i += 8; break;
      case 0x02: case 0x0d: case 0x0e: i += 4 + int32(); break;
      case 0x05: i += 5 + int32(); break;
      case 0x06: case 0x0a: case 0xff: case 0x7f: break;
      case 0x07: i += 12; break;
      case 0x08: i += 1; break;
      case 0x0b: i = buf.indexOf(0, cstringEnd() + 1) + 1; break;
      case 0x0c: i += 4 + int32() + 12; break;
      case 0x0f: i += int32(); break;
      case 0x10: i += 4; break;
      case 0x13: i += 16; break;
      default: throw new Error(`Unknown BSON element type 0x${type.toString(16)} in field ${name}`);
    }
  }
}
