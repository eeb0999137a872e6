import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { GC_INFO, type Placeholder, SKIP_INFO, writePlaceholder } from './redactionState.ts';
import { type HiddenPredicate, ItemVisibility } from './redactionVisibility.ts';

const BITS5 = 31;
const HAS_ORIGIN = 128;
const HAS_RIGHT_ORIGIN = 64;
const HAS_PARENT_SUB = 32;

/** Steps over one variable-length unsigned or signed integer (lib0 varUint / varInt). */
const skipVarNumber = (d: decoding.Decoder): void => {
  while ((d.arr[d.pos++]! & 128) !== 0) {
    if (d.pos >= d.arr.length) throw new Error('redactUpdate: update ends inside a number');
  }
};

/** Steps over a length-prefixed byte string (varString / varUint8Array). */
const skipVarBytes = (d: decoding.Decoder): void => {
  const n = decoding.readVarUint(d);
  d.pos += n;
};

/** Steps over one value written by lib0 `writeAny`. */
const skipAny = (d: decoding.Decoder): void => {
  const tag = decoding.readUint8(d);
  switch (tag) {
    case 127: // undefined
    case 126: // null
    case 121: // false
    case 120: // true
      return;
    case 125: // integer
      skipVarNumber(d);
      return;
    case 124: // float32
      d.pos += 4;
      return;
    case 123: // float64
    case 122: // bigint64
      d.pos += 8;
      return;
    case 119: // string
    case 116: // Uint8Array
      skipVarBytes(d);
      return;
    case 118: {
      // object: entry count, then key + value pairs
      const n = decoding.readVarUint(d);
      for (let i = 0; i < n; i++) {
        skipVarBytes(d);
        skipAny(d);
      }
      return;
    }
    case 117: {
      // array
      const n = decoding.readVarUint(d);
      for (let i = 0; i < n; i++) skipAny(d);
      return;
    }
    default:
      throw new Error(`redactUpdate: unknown value tag ${tag}`);
  }
};

/** Steps over an Item's content (after its header); returns the Item's length in clocks. */
const skipContent = (d: decoding.Decoder, ref: number): number => {
  switch (ref) {
    case 1: // Deleted
      return decoding.readVarUint(d);
    case 2: {
      // JSON: count, then one string each
      const n = decoding.readVarUint(d);
      for (let i = 0; i < n; i++) skipVarBytes(d);
      return n;
    }
    case 3: // Binary
    case 5: // Embed
      skipVarBytes(d);
      return 1;
    case 4: // String: its length is counted in UTF-16 code units
      return decoding.readVarString(d).length;
    case 6: // Format: key, JSON value
      skipVarBytes(d);
      skipVarBytes(d);
      return 1;
    case 7: {
      // Type: type ref; XmlElement (3) and XmlHook (5) carry a name
      const typeRef = decoding.readVarUint(d);
      if (typeRef === 3 || typeRef === 5) skipVarBytes(d);
      return 1;
    }
    case 8: {
      // Any: count, then one value each
      const n = decoding.readVarUint(d);
      for (let i = 0; i < n; i++) skipAny(d);
      return n;
    }
    case 9: // Doc: guid, options
      skipVarBytes(d);
      skipAny(d);
      return 1;
    default:
      throw new Error(`redactUpdate: unknown content type ${ref}`);
  }
};

/** Steps over an Item's header: origins, or parent and parent key when it has no origin. */
const skipItemHeader = (d: decoding.Decoder, info: number): void => {
  if ((info & HAS_ORIGIN) !== 0) {
    skipVarNumber(d);
    skipVarNumber(d);
  }
  if ((info & HAS_RIGHT_ORIGIN) !== 0) {
    skipVarNumber(d);
    skipVarNumber(d);
  }
  if ((info & (HAS_ORIGIN | HAS_RIGHT_ORIGIN)) === 0) {
    if (decoding.readVarUint(d) === 1)
      skipVarBytes(d); // parent is a root type, by name
    else {
      skipVarNumber(d); // parent is an Item, by id
      skipVarNumber(d);
    }
    if ((info & HAS_PARENT_SUB) !== 0) skipVarBytes(d);
  }
};

const holds = (struct: Y.Item | Y.GC | undefined, clock: number): boolean =>
  struct !== undefined && struct.id.clock <= clock && clock < struct.id.clock + struct.length;

/** Finds where the store holds `clock` of one client, trying the cursor's neighbourhood first. */
class ClientCursor {
  private index = 0;
  constructor(
    private readonly client: number,
    private readonly structs: (Y.Item | Y.GC)[],
  ) {}

  at(clock: number): Y.Item | Y.GC {
    const s = this.structs;
    if (holds(s[this.index], clock)) return s[this.index]!;
    if (holds(s[this.index + 1], clock)) return s[++this.index]!;
    const last = s[s.length - 1];
    if (last === undefined || clock >= last.id.clock + last.length) {
      throw new Error(
        `redactUpdate: struct ${this.client}:${clock} is not in the doc; apply the update to the doc first`,
      );
    }
    this.index = Y.findIndexSS(s, clock);
    return s[this.index]!;
  }
}

/** A struct of the update to replace: its byte range and its length in clocks. */
interface Replacement {
  readonly start: number;
  readonly end: number;
  readonly len: number;
}

/** Whether the store's struct at `clock` belongs to a hidden message (a GC there counts as hidden). */
const storeStructHidden = (cursor: ClientCursor, clock: number, visibility: ItemVisibility): boolean => {
  const struct = cursor.at(clock);
  return struct instanceof Y.Item ? visibility.isHidden(struct) : true;
};

/**
 * The implementation behind `redactUpdate`, with the placeholder kind as a parameter (internal).
 *
 * Reads the V1 struct section to find each struct's byte range, clock and length. An Item whose
 * clock the doc holds as an Item of a hidden message, or as a GC, is replaced in place by a
 * placeholder of the same length; everything else (GC and Skip structs, visible Items, the
 * delete set) is copied byte for byte. The struct count of every client is unchanged, so the
 * output is the input with some byte ranges swapped. When nothing is hidden the input is returned.
 */
export const redactUpdateWith = (
  doc: Y.Doc,
  update: Uint8Array,
  hidden: HiddenPredicate,
  placeholder: Placeholder,
): Uint8Array => {
  let visibility: ItemVisibility | undefined;
  const replacements: Replacement[] = [];
  const d = decoding.createDecoder(update);
  const clientCount = decoding.readVarUint(d);
  for (let c = 0; c < clientCount; c++) {
    const structCount = decoding.readVarUint(d);
    const client = decoding.readVarUint(d);
    let clock = decoding.readVarUint(d);
    let cursor: ClientCursor | undefined;
    for (let i = 0; i < structCount; i++) {
      const start = d.pos;
      const info = decoding.readUint8(d);
      const ref = info & BITS5;
      if (ref === GC_INFO || ref === SKIP_INFO) {
        clock += decoding.readVarUint(d);
        continue;
      }
      skipItemHeader(d, info);
      const len = skipContent(d, ref);
      if (cursor === undefined) {
        const structs = doc.store.clients.get(client) as (Y.Item | Y.GC)[] | undefined;
        if (structs === undefined) {
          throw new Error(`redactUpdate: client ${client} is not in the doc; apply the update first`);
        }
        cursor = new ClientCursor(client, structs);
      }
      visibility ??= new ItemVisibility(doc, hidden);
      if (storeStructHidden(cursor, clock, visibility)) replacements.push({ start, end: d.pos, len });
      clock += len;
    }
  }
  if (replacements.length === 0) return update;

  const out = encoding.createEncoder();
  let copied = 0;
  for (const r of replacements) {
    encoding.writeUint8Array(out, update.subarray(copied, r.start));
    writePlaceholder(out, placeholder, r.len);
    copied = r.end;
  }
  encoding.writeUint8Array(out, update.subarray(copied));
  return encoding.toUint8Array(out);
};
