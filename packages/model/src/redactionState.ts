import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { type HiddenPredicate, ItemVisibility } from './redactionVisibility.ts';

/**
 * How a hidden struct goes on the wire. `'gc'` is the only correct choice (DESIGN.md §4 rule 2).
 * `'drop'` exists only so that tests can prove they detect the mistake: the struct is left out,
 * and the gap it leaves in its client's clock run is marked with a Skip struct (the V1 format's
 * way of saying "nothing here"; a run cannot otherwise jump over missing clocks).
 */
export type Placeholder = 'gc' | 'drop';

/** V1 info byte of a GC struct; of a Skip struct. */
export const GC_INFO = 0;
export const SKIP_INFO = 10;

/** Writes one placeholder of `len` clocks (V1): info byte, then the length as varUint. */
export const writePlaceholder = (encoder: encoding.Encoder, placeholder: Placeholder, len: number): void => {
  encoding.writeUint8(encoder, placeholder === 'gc' ? GC_INFO : SKIP_INFO);
  encoding.writeVarUint(encoder, len);
};

/** Delete-set ranges of one client, as flat [clock, len, clock, len, …] in clock order. */
type Ranges = number[];

const addRange = (ranges: Ranges, clock: number, len: number): void => {
  const n = ranges.length;
  if (n > 0 && ranges[n - 2]! + ranges[n - 1]! === clock) ranges[n - 1]! += len;
  else ranges.push(clock, len);
};

/**
 * The implementation behind `encodeRedactedState`, with the placeholder kind as a parameter
 * (internal; tests use `'drop'` to show that the properties catch a wrong redactor).
 *
 * Mirrors `Y.encodeStateAsUpdate`: for every client whose state exceeds `stateVector`, the structs
 * from that clock on, clients in descending order; then the delete set of the whole store. A struct
 * of a hidden message becomes a placeholder of the same length; adjacent placeholders and GC structs
 * merge into one. Hidden ranges are also listed in the delete set (the receiver holds them as GC,
 * which is deleted), so its delete set matches `createDeleteSetFromStructStore` on its side.
 */
export const encodeRedactedStateWith = (
  doc: Y.Doc,
  hidden: HiddenPredicate,
  stateVector: Uint8Array | undefined,
  placeholder: Placeholder,
): Uint8Array => {
  const visibility = new ItemVisibility(doc, hidden);
  const known = stateVector === undefined ? new Map<number, number>() : Y.decodeStateVector(stateVector);
  const clients = [...doc.store.clients.keys()].sort((a, b) => b - a);
  const sections: { client: number; clock: number; count: number; body: Uint8Array }[] = [];
  const deleted = new Map<number, Ranges>();

  for (const client of clients) {
    const structs = doc.store.clients.get(client) as (Y.Item | Y.GC)[];
    const first = structs[0];
    if (first === undefined) continue;
    const last = structs[structs.length - 1]!;
    const state = last.id.clock + last.length;
    const from = Math.max(known.get(client) ?? 0, first.id.clock);
    const writing = state > from;
    const body = new Y.UpdateEncoderV1();
    const ranges: Ranges = [];
    let count = 0;
    let run = 0; // clocks of placeholders waiting to be written as one
    let runKind: Placeholder = 'gc';
    const flush = (): void => {
      if (run === 0) return;
      writePlaceholder(body.restEncoder, runKind, run);
      count++;
      run = 0;
    };
    const pend = (kind: Placeholder, len: number): void => {
      if (run > 0 && runKind !== kind) flush();
      runKind = kind;
      run += len;
    };
    let startClock = from;

    for (const struct of structs) {
      const clock = struct.id.clock;
      const len = struct.length;
      const end = clock + len;
      const hiddenItem = struct instanceof Y.Item && visibility.isHidden(struct);
      if (struct.deleted || hiddenItem) addRange(ranges, clock, len);
      if (!writing || end <= from) continue;
      const offset = clock < from ? from - clock : 0;
      if (count === 0 && run === 0) startClock = clock + offset;
      if (!(struct instanceof Y.Item)) pend('gc', len - offset);
      else if (hiddenItem) pend(placeholder, len - offset);
      else {
        flush();
        struct.write(body, offset);
        count++;
      }
    }
    flush();
    if (ranges.length > 0) deleted.set(client, ranges);
    if (writing && count > 0) sections.push({ client, clock: startClock, count, body: body.toUint8Array() });
  }

  const out = encoding.createEncoder();
  encoding.writeVarUint(out, sections.length);
  for (const s of sections) {
    encoding.writeVarUint(out, s.count);
    encoding.writeVarUint(out, s.client);
    encoding.writeVarUint(out, s.clock);
    encoding.writeUint8Array(out, s.body);
  }
  encoding.writeVarUint(out, deleted.size);
  for (const [client, ranges] of deleted) {
    encoding.writeVarUint(out, client);
    encoding.writeVarUint(out, ranges.length / 2);
    for (const n of ranges) encoding.writeVarUint(out, n);
  }
  return encoding.toUint8Array(out);
};
