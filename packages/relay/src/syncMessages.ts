import { MessageType, ParleyError, SyncStep } from '@parley/protocol';
import { encodeFrame } from '@parley/protocol';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

/** A decoded y-protocols sync message. */
export type SyncMessage =
  | { readonly step: typeof SyncStep.Step1; readonly stateVector: Uint8Array }
  | { readonly step: typeof SyncStep.Step2 | typeof SyncStep.Update; readonly update: Uint8Array };

/** Reads a y-protocols sync payload; undefined when it is not one (never throws). */
export const readSyncMessage = (payload: Uint8Array): SyncMessage | undefined => {
  try {
    const decoder = decoding.createDecoder(payload);
    const step = decoding.readVarUint(decoder);
    const len = decoding.readVarUint(decoder);
    const start = decoder.pos;
    if (len > payload.length - start) return undefined;
    const body = payload.subarray(start, start + len);
    if (step === SyncStep.Step1) return { step, stateVector: body };
    if (step === SyncStep.Step2 || step === SyncStep.Update) return { step, update: body };
    return undefined;
  } catch {
    return undefined;
  }
};

const syncPayload = (step: number, body: Uint8Array): Uint8Array => {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, step);
  encoding.writeVarUint8Array(encoder, body);
  return encoding.toUint8Array(encoder);
};

export const syncStep1Payload = (stateVector: Uint8Array): Uint8Array =>
  syncPayload(SyncStep.Step1, stateVector);
export const syncStep2Payload = (update: Uint8Array): Uint8Array => syncPayload(SyncStep.Step2, update);
export const syncUpdatePayload = (update: Uint8Array): Uint8Array => syncPayload(SyncStep.Update, update);

/** A whole multiplexed Sync frame carrying an update for `docName`. */
export const syncUpdateFrame = (docName: string, update: Uint8Array): Uint8Array =>
  encodeFrame({ docName, type: MessageType.Sync, payload: syncUpdatePayload(update) });

/** Largest client id Yjs generates (a random uint32); larger ones only come from forged updates. */
const MAX_CLIENT_ID = 0xffff_ffff;

/**
 * Whether a client's update is safe to apply: every struct and deletion names a uint32 client and
 * a safe-integer clock. Yjs applies an update with a client id above 2^53 without complaint, and
 * the doc then fails to encode ("Integer out of Range") for every later sync and compaction, which
 * fuzzing did to a user doc. Never throws.
 */
export const isSaneUpdate = (update: Uint8Array): boolean => {
  try {
    const { structs, ds } = Y.decodeUpdate(update);
    for (const s of structs) {
      if (s.id.client > MAX_CLIENT_ID || !Number.isSafeInteger(s.id.clock + s.length)) return false;
    }
    for (const [client, ranges] of ds.clients) {
      if (client > MAX_CLIENT_ID) return false;
      for (const r of ranges) if (!Number.isSafeInteger(r.clock + r.len)) return false;
    }
    return true;
  } catch {
    return false;
  }
};

/**
 * Whether a transaction left every client it advanced at a uint32 id and a safe-integer clock:
 * `isSaneUpdate` read from the doc's new state instead of from the update's bytes.
 */
export const isSaneTransaction = (tr: Y.Transaction): boolean => {
  for (const [client, clock] of tr.afterState) {
    if (tr.beforeState.get(client) === clock) continue;
    if (client > MAX_CLIENT_ID || !Number.isSafeInteger(clock)) return false;
  }
  return true;
};

/** Whether Yjs holds structs or deletes of `doc` that wait for an update it has not seen. */
export const holdsPending = (doc: Y.Doc): boolean =>
  doc.store.pendingStructs !== null || doc.store.pendingDs !== null;

/**
 * Applies a client's update to a hosted doc, or throws INVALID_UPDATE. It checks the result, not
 * the bytes first: decoding every update once more only to read its ids (`Y.decodeUpdate`, which
 * also decodes every string in it) was 8 % of the relay's busy samples in bench W1 at 3,200
 * msgs/s. A throw therefore leaves the doc changed: the caller must roll it back — the relay
 * calls this inside a committer unit, whose failure reloads the unit's docs from storage.
 *
 * What it checks: every client whose clock the update advanced has a uint32 id and a safe-integer
 * clock — which covers a known client's GC struct of length 2^60 at its next clock (no new
 * client, nothing pending, and Yjs takes the clock past 2^53). What Yjs sets aside instead of
 * integrating (structs with a missing dependency, deletions beyond a client's clock) is not in
 * the state, so while the doc holds anything pending the update's bytes are checked in full.
 */
export const applyClientUpdate = (
  doc: Y.Doc,
  update: Uint8Array,
  origin: string,
  apply: (update: Uint8Array, origin: string) => void = (u, o) => Y.applyUpdate(doc, u, o),
): void => {
  let sane = true;
  const check = (tr: Y.Transaction): void => {
    if (!isSaneTransaction(tr)) sane = false;
  };
  doc.on('afterTransaction', check);
  try {
    apply(update, origin);
  } catch {
    throw new ParleyError('INVALID_UPDATE', 'The update could not be applied.');
  } finally {
    doc.off('afterTransaction', check);
  }
  if (!sane || (holdsPending(doc) && !isSaneUpdate(update)))
    throw new ParleyError('INVALID_UPDATE', 'The update names a client id or clock Yjs never generates.');
};
