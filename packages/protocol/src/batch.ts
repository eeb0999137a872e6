import { ParleyError } from './errors.ts';
import { encodeFrame } from './frame.ts';
import { MessageType } from './messageTypes.ts';

/**
 * A Batch frame carries several whole frames in one WebSocket message: its payload is
 * `varUint(length) • frame` repeated. The relay batches everything it sends a session in one
 * event-loop turn, so a busy thread costs one socket write per member per turn, not one per change.
 */
export const encodeBatch = (frames: readonly Uint8Array[]): Uint8Array => {
  let size = 0;
  for (const f of frames) size += varUintSize(f.length) + f.length;
  const payload = new Uint8Array(size);
  let pos = 0;
  for (const f of frames) {
    let n = f.length;
    while (n > 0x7f) {
      payload[pos++] = 0x80 | (n & 0x7f);
      n = Math.floor(n / 128);
    }
    payload[pos++] = n;
    payload.set(f, pos);
    pos += f.length;
  }
  return encodeFrame({ docName: '', type: MessageType.Batch, payload });
};

const varUintSize = (n: number): number => {
  let size = 1;
  while (n > 0x7f) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
};

/** Splits a Batch payload into its frames (views, not copies). Throws MALFORMED_FRAME. */
export const decodeBatch = (payload: Uint8Array): Uint8Array[] => {
  const out: Uint8Array[] = [];
  let pos = 0;
  while (pos < payload.length) {
    let len = 0;
    let mult = 1;
    let i = 0;
    for (; ; i++) {
      if (i >= 5) throw new ParleyError('MALFORMED_FRAME', 'Malformed frame: batch length too long.');
      const b = payload[pos + i];
      if (b === undefined)
        throw new ParleyError('MALFORMED_FRAME', 'Malformed frame: batch length truncated.');
      len += (b & 0x7f) * mult;
      mult *= 128;
      if (b < 0x80) break;
    }
    pos += i + 1;
    if (len > payload.length - pos)
      throw new ParleyError('MALFORMED_FRAME', 'Malformed frame: batch entry truncated.');
    out.push(payload.subarray(pos, pos + len));
    pos += len;
  }
  return out;
};
