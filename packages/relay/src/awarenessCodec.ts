import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** One entry of a y-protocols awareness update. `state` null means the client left. */
export interface AwarenessEntry {
  readonly clientId: number;
  readonly clock: number;
  readonly state: Record<string, unknown> | null;
}

const MAX_ENTRIES = 64;
const MAX_STATE_BYTES = 4096;

/**
 * Decodes an awareness update without building a Y.Doc or an Awareness instance. Returns
 * undefined for anything malformed, oversized or not JSON objects (never throws).
 */
export const decodeAwarenessUpdate = (payload: Uint8Array): AwarenessEntry[] | undefined => {
  try {
    const decoder = decoding.createDecoder(payload);
    const count = decoding.readVarUint(decoder);
    if (count > MAX_ENTRIES) return undefined;
    const out: AwarenessEntry[] = [];
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const len = decoding.peekVarUint(decoder);
      if (len > MAX_STATE_BYTES) return undefined;
      const json = decoding.readVarString(decoder);
      const state: unknown = JSON.parse(json);
      if (state !== null && (typeof state !== 'object' || Array.isArray(state))) return undefined;
      if (!Number.isSafeInteger(clientId) || !Number.isSafeInteger(clock)) return undefined;
      out.push({ clientId, clock, state: state as Record<string, unknown> | null });
    }
    if (decoding.hasContent(decoder)) return undefined;
    return out;
  } catch {
    return undefined;
  }
};

export const encodeAwarenessUpdate = (entries: readonly AwarenessEntry[]): Uint8Array => {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const e of entries) {
    encoding.writeVarUint(encoder, e.clientId);
    encoding.writeVarUint(encoder, e.clock);
    encoding.writeVarString(encoder, JSON.stringify(e.state));
  }
  return encoding.toUint8Array(encoder);
};
