import { readFileSync } from 'node:fs';
import { isParleyError } from '@parley/protocol';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyClientUpdate } from '../src/syncMessages.ts';

/** A V1 update of one GC struct: `client` at `clock`, `length` long, and an empty delete set. */
const gcUpdate = (client: number, clock: number, length: number): Uint8Array => {
  const e = encoding.createEncoder();
  for (const n of [1, 1, client, clock]) encoding.writeVarUint(e, n);
  encoding.writeUint8(e, 0); // GC
  encoding.writeVarUint(e, length);
  encoding.writeVarUint(e, 0);
  return encoding.toUint8Array(e);
};

const refused = (doc: Y.Doc, update: Uint8Array): string | undefined => {
  try {
    applyClientUpdate(doc, update, 'session');
    return undefined;
  } catch (error) {
    return isParleyError(error) ? error.code : String(error);
  }
};

describe('applyClientUpdate', () => {
  const docWithClient7 = () => {
    const writer = new Y.Doc();
    writer.clientID = 7;
    writer.getMap('m').set('a', 1);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(writer));
    return doc;
  };

  it('applies a routine update', () => {
    const doc = docWithClient7();
    expect(refused(doc, gcUpdate(7, Y.getState(doc.store, 7), 3))).toBeUndefined();
    expect(Y.getState(doc.store, 7)).toBe(4);
  });

  it('refuses a known client whose struct would take its clock past 2^53', () => {
    // Yjs itself would apply it: no new client, nothing pending, the clock at ~1.15e18.
    const probe = docWithClient7();
    Y.applyUpdate(probe, gcUpdate(7, 1, 2 ** 60));
    expect(Y.getState(probe.store, 7)).toBeGreaterThan(Number.MAX_SAFE_INTEGER);
    // The check reads the doc's new state, so the doc is changed: the relay rolls it back (its
    // committer reloads the unit's docs; fuzz.test.ts checks that at the socket).
    expect(refused(docWithClient7(), gcUpdate(7, 1, 2 ** 60))).toBe('INVALID_UPDATE');
  });

  it('refuses a new client id beyond 2^32 that Yjs integrates', () => {
    expect(refused(new Y.Doc(), gcUpdate(2 ** 40, 0, 1))).toBe('INVALID_UPDATE');
  });

  it('checks the bytes of an update that Yjs holds pending (beyond a client clock)', () => {
    // Clock 5 of a client the doc has at 1: Yjs keeps it pending, out of the state vector.
    const doc = docWithClient7();
    expect(refused(doc, gcUpdate(7, 5, 2 ** 60))).toBe('INVALID_UPDATE');
    expect(refused(docWithClient7(), gcUpdate(7, 5, 3))).toBeUndefined();
  });

  it('refuses the fuzzed update with a client id beyond 2^53', () => {
    const poison = new Uint8Array(
      readFileSync(new URL('./fixtures/unsafe-client-id.update', import.meta.url)),
    );
    expect(refused(new Y.Doc(), poison)).toBe('INVALID_UPDATE');
  });
});
