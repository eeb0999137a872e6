import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBatch, encodeBatch } from './batch.ts';
import { ParleyError } from './errors.ts';
import { decodeFrame, encodeFrame } from './frame.ts';
import { MessageType } from './messageTypes.ts';

describe('batch frames', () => {
  it('carry whole frames and give them back in order', () => {
    const frames = [
      encodeFrame({ docName: 'thread:abcdefgh', type: MessageType.Sync, payload: new Uint8Array([0, 1, 2]) }),
      encodeFrame({
        docName: 'user:8:acs:x',
        type: MessageType.Awareness,
        payload: new Uint8Array(300).fill(7),
      }),
    ];
    const batch = decodeFrame(encodeBatch(frames));
    expect(batch.type).toBe(MessageType.Batch);
    expect(decodeBatch(batch.payload).map((f) => [...f])).toEqual(frames.map((f) => [...f]));
  });

  it('decoding random payloads either succeeds or throws MALFORMED_FRAME', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          const parts = decodeBatch(bytes);
          expect(parts.reduce((n, p) => n + p.length, 0)).toBeLessThanOrEqual(bytes.length);
        } catch (error) {
          expect(error).toBeInstanceOf(ParleyError);
          expect((error as ParleyError).code).toBe('MALFORMED_FRAME');
        }
      }),
      { numRuns: 2000 },
    );
  });
});
