import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParleyError } from './errors.ts';
import { decodeFrame, defaultFrameLimits, encodeFrame, type Frame } from './frame.ts';
import { isMessageType, MessageType, type MessageTypeId, messageTypeName } from './messageTypes.ts';

const allTypes = Object.values(MessageType) as MessageTypeId[];

/** Decodes, and fails the test on any exception other than a framing ParleyError. */
const decodeOrFramingError = (data: Uint8Array, limits = defaultFrameLimits): Frame | undefined => {
  try {
    return decodeFrame(data, limits);
  } catch (e) {
    if (!(e instanceof ParleyError)) throw new Error(`non-ParleyError escaped: ${String(e)}`);
    expect(['MALFORMED_FRAME', 'FRAME_TOO_LARGE']).toContain(e.code);
    return undefined;
  }
};

describe('frames', () => {
  it.each(allTypes.map((t) => [messageTypeName(t), t] as const))('%s round-trips', (_name, type) => {
    for (const docName of [
      '',
      'thread:Thread_0123456789',
      'thread:Thread_0123456789:12',
      'user:8:acs:abc:def',
    ]) {
      const payload = new Uint8Array([0, 1, 2, 255, 128, 127]);
      const frame = decodeFrame(encodeFrame({ docName, type, payload }));
      expect(frame).toEqual({ docName, type, payload });
    }
  });

  it('round-trips non-ASCII doc names and empty and large payloads', () => {
    const docName = 'user:Zoë 👨‍👩‍👧 مرحبا';
    for (const payload of [new Uint8Array(0), new Uint8Array(200_000).fill(7)]) {
      const frame = decodeFrame(encodeFrame({ docName, type: MessageType.Sync, payload }));
      expect(frame.docName).toBe(docName);
      expect(frame.payload).toEqual(payload);
    }
  });

  it('uses a multi-byte varint for a doc name of 128+ bytes', () => {
    const docName = `user:${'x'.repeat(200)}`;
    const data = encodeFrame({ docName, type: MessageType.Subscribe, payload: new Uint8Array([9]) });
    expect(data[0]).toBeGreaterThanOrEqual(0x80);
    expect(decodeFrame(data).docName).toBe(docName);
  });

  it('every type id is known and named, and no other id is', () => {
    for (const t of allTypes) expect(isMessageType(t)).toBe(true);
    expect(new Set(allTypes).size).toBe(allTypes.length);
    for (const t of [-1, 14, 99, 1.5]) expect(isMessageType(t)).toBe(false);
    expect(messageTypeName(99)).toBeUndefined();
  });

  it('encodeFrame refuses an unknown type with a plain Error', () => {
    expect(() => encodeFrame({ docName: '', type: 42 as MessageTypeId, payload: new Uint8Array() })).toThrow(
      Error,
    );
  });

  it.each<[string, number[], string]>([
    ['an empty buffer', [], 'MALFORMED_FRAME'],
    ['a truncated name', [5, 0x61, 0x62], 'MALFORMED_FRAME'],
    ['a missing type', [1, 0x61], 'MALFORMED_FRAME'],
    ['an unknown type', [0, 77], 'MALFORMED_FRAME'],
    ['a non-minimal varint', [0x80, 0x00, 0], 'MALFORMED_FRAME'],
    ['an overlong varint', [0xff, 0xff, 0xff, 0xff, 0xff, 0x01], 'MALFORMED_FRAME'],
    ['invalid UTF-8 in the name', [2, 0xc3, 0x28, 0], 'MALFORMED_FRAME'],
    ['a lone surrogate encoded as UTF-8', [3, 0xed, 0xa0, 0x80, 0], 'MALFORMED_FRAME'],
  ])('rejects %s', (_name, bytes, code) => {
    expect(() => decodeFrame(new Uint8Array(bytes))).toThrow(expect.objectContaining({ code }));
  });

  it('rejects a name over the limit and a frame over the limit', () => {
    const limits = { maxFrameBytes: 100, maxNameBytes: 10 };
    const longName = encodeFrame({ docName: 'x'.repeat(11), type: 0, payload: new Uint8Array() });
    expect(() => decodeFrame(longName, limits)).toThrow(expect.objectContaining({ code: 'MALFORMED_FRAME' }));
    const big = encodeFrame({ docName: 'x', type: 0, payload: new Uint8Array(100) });
    expect(() => decodeFrame(big, limits)).toThrow(expect.objectContaining({ code: 'FRAME_TOO_LARGE' }));
    expect(() => decodeFrame('nope' as unknown as Uint8Array)).toThrow(
      expect.objectContaining({ code: 'MALFORMED_FRAME' }),
    );
  });

  it('keeps a leading byte-order mark in a doc name (the name is not silently changed)', () => {
    const docName = '\ufeffthread:Thread_0123456789';
    const data = encodeFrame({ docName, type: MessageType.Sync, payload: new Uint8Array() });
    expect(decodeFrame(data).docName).toBe(docName);
  });

  it('the payload is a view into the input, not a copy', () => {
    const data = encodeFrame({ docName: 'd', type: 0, payload: new Uint8Array([1, 2, 3]) });
    const frame = decodeFrame(data);
    expect(frame.payload.buffer).toBe(data.buffer);
  });
});

describe('frame fuzzing', () => {
  const validFrame = fc
    .record({
      docName: fc.string({ maxLength: 60, unit: 'grapheme' }),
      type: fc.constantFrom(...allTypes),
      payload: fc.uint8Array({ maxLength: 64 }),
    })
    .map((f) => encodeFrame(f));

  it('random bytes decode or throw a framing ParleyError, never a payload larger than the input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        const frame = decodeOrFramingError(data, { maxFrameBytes: 256, maxNameBytes: 64 });
        if (frame) expect(frame.payload.length).toBeLessThan(data.length);
      }),
      { numRuns: 3000 },
    );
  });

  it('mutated valid frames decode or throw a framing ParleyError', () => {
    const mutation = fc.record({
      at: fc.nat(),
      byte: fc.integer({ min: 0, max: 255 }),
      kind: fc.constantFrom('set', 'truncate', 'insert', 'delete'),
    });
    fc.assert(
      fc.property(validFrame, fc.array(mutation, { minLength: 1, maxLength: 4 }), (data, mutations) => {
        let bytes = Array.from(data);
        for (const m of mutations) {
          const at = bytes.length === 0 ? 0 : m.at % bytes.length;
          if (m.kind === 'set') bytes[at] = m.byte;
          else if (m.kind === 'truncate') bytes = bytes.slice(0, at);
          else if (m.kind === 'insert') bytes.splice(at, 0, m.byte);
          else bytes.splice(at, 1);
        }
        const input = new Uint8Array(bytes);
        const frame = decodeOrFramingError(input);
        if (frame) {
          expect(frame.payload.length).toBeLessThan(input.length);
          // whatever decodes re-encodes to exactly the same bytes (the encoding is canonical)
          expect(encodeFrame(frame)).toEqual(input);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('valid frames always decode to what was encoded', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 100 }),
        fc.constantFrom(...allTypes),
        fc.uint8Array({ maxLength: 100 }),
        (docName, type, payload) => {
          fc.pre(new TextEncoder().encode(docName).length <= defaultFrameLimits.maxNameBytes);
          expect(decodeFrame(encodeFrame({ docName, type, payload }))).toEqual({ docName, type, payload });
        },
      ),
      { numRuns: 1000 },
    );
  });
});
