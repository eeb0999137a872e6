import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeAuth,
  decodeAuthResult,
  decodeCode,
  decodeControlObject,
  decodeSubscribe,
  decodeSubscription,
  encodeControl,
  MAX_CONTROL_BYTES,
} from './control.ts';
import { ParleyError } from './errors.ts';

const decoders = {
  decodeAuth,
  decodeAuthResult,
  decodeCode,
  decodeControlObject,
  decodeSubscribe,
  decodeSubscription,
};
const utf8 = new TextEncoder();

describe('control payloads', () => {
  it('round-trip through encodeControl', () => {
    expect(decodeAuth(encodeControl({ token: 'jwt.x.y', extra: 1 }))).toEqual({ token: 'jwt.x.y' });
    expect(decodeSubscribe(encodeControl({}))).toEqual({});
    expect(decodeSubscribe(encodeControl({ generation: 3 }))).toEqual({ generation: 3 });
    expect(decodeSubscription(encodeControl({ status: 'granted', mode: 'read', generation: 2 }))).toEqual({
      status: 'granted',
      mode: 'read',
      generation: 2,
    });
    expect(decodeSubscription(encodeControl({ status: 'granted', mode: 'readwrite' }))).toEqual({
      status: 'granted',
      mode: 'readwrite',
    });
    expect(
      decodeSubscription(encodeControl({ status: 'denied', code: 'NOT_A_MEMBER', message: 'no' })),
    ).toEqual({ status: 'denied', code: 'NOT_A_MEMBER', message: 'no' });
    expect(decodeCode(encodeControl({ code: 'STALE_GENERATION', message: 'm', generation: 4 }))).toEqual({
      code: 'STALE_GENERATION',
      message: 'm',
      generation: 4,
    });
    const auth = {
      userId: '8:acs:a',
      displayName: 'Zoë 👋',
      scope: 'chat.join',
      sessionId: 's1',
      expiresAt: 9,
    };
    expect(decodeAuthResult(encodeControl(auth))).toEqual(auth);
  });

  it('an empty payload is an empty object', () => {
    expect(decodeControlObject(new Uint8Array())).toEqual({});
  });

  it.each<[string, keyof typeof decoders, Uint8Array]>([
    ['non-JSON', 'decodeControlObject', utf8.encode('{nope')],
    ['invalid UTF-8', 'decodeControlObject', new Uint8Array([0x7b, 0xff, 0x7d])],
    ['an array', 'decodeControlObject', utf8.encode('[1]')],
    ['null', 'decodeControlObject', utf8.encode('null')],
    ['a string', 'decodeControlObject', utf8.encode('"x"')],
    ['an oversized payload', 'decodeControlObject', new Uint8Array(MAX_CONTROL_BYTES + 1).fill(0x20)],
    ['auth without token', 'decodeAuth', encodeControl({})],
    ['auth with an empty token', 'decodeAuth', encodeControl({ token: '' })],
    ['auth with a numeric token', 'decodeAuth', encodeControl({ token: 1 })],
    ['subscribe with a negative generation', 'decodeSubscribe', encodeControl({ generation: -1 })],
    ['subscribe with a fractional generation', 'decodeSubscribe', encodeControl({ generation: 0.5 })],
    ['subscribe with a string generation', 'decodeSubscribe', encodeControl({ generation: '1' })],
    ['a code that is unknown', 'decodeCode', encodeControl({ code: 'NOPE' })],
    ['a code named like an Object method', 'decodeCode', encodeControl({ code: 'toString' })],
    [
      'a subscription with a bad mode',
      'decodeSubscription',
      encodeControl({ status: 'granted', mode: 'all' }),
    ],
    ['a denied subscription without code', 'decodeSubscription', encodeControl({ status: 'denied' })],
    ['an auth result without session', 'decodeAuthResult', encodeControl({ userId: 'a' })],
  ])('rejects %s with MALFORMED_FRAME', (_name, decoder, payload) => {
    expect(() => decoders[decoder](payload)).toThrow(expect.objectContaining({ code: 'MALFORMED_FRAME' }));
  });

  it('does not let __proto__ in JSON pollute prototypes', () => {
    const o = decodeControlObject(utf8.encode('{"__proto__":{"polluted":1},"token":"t"}'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // a token hidden under __proto__ is not picked up from a prototype
    expect(() => decodeAuth(utf8.encode('{"__proto__":{"token":"x"}}'))).toThrow(
      expect.objectContaining({ code: 'MALFORMED_FRAME' }),
    );
    expect(o.token).toBe('t');
  });

  it('every decoder is total on random bytes and on mutated JSON', () => {
    const jsonish = fc
      .tuple(fc.json({ maxDepth: 3 }), fc.nat(), fc.integer({ min: 0, max: 255 }))
      .map(([json, at, byte]) => {
        const bytes = utf8.encode(json);
        if (bytes.length > 0 && at % 3 === 0) bytes[at % bytes.length] = byte;
        return bytes;
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), jsonish), (payload) => {
        for (const decode of Object.values(decoders)) {
          try {
            decode(payload);
          } catch (e) {
            if (!(e instanceof ParleyError)) throw new Error(`non-ParleyError escaped: ${String(e)}`);
            expect(e.code).toBe('MALFORMED_FRAME');
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('every decoder is total on arbitrary JSON objects with plausible keys', () => {
    const keys = ['token', 'generation', 'status', 'mode', 'code', 'message', 'userId', 'sessionId', 'scope'];
    const obj = fc.dictionary(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 2 }));
    fc.assert(
      fc.property(obj, (o) => {
        for (const decode of Object.values(decoders)) {
          try {
            decode(encodeControl(o));
          } catch (e) {
            if (!(e instanceof ParleyError)) throw new Error(`non-ParleyError escaped: ${String(e)}`);
            expect(e.code).toBe('MALFORMED_FRAME');
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
