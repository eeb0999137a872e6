import { type ErrorCode, ParleyError } from '@parley/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { limits } from './limits.ts';
import { isWellFormedText, utf8ByteLength, validateEnvelope, validateOp } from './validate.ts';

/** Any UTF-16 code unit, lone surrogates included (fast-check's 'binary' unit is slow to warm up). */
const codeUnit = fc
  .oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0, max: 0xffff }))
  .map((c) => String.fromCharCode(c));

const T = 'Thread_0123456789';
const M = 'msg-0123456789';
const alice = '8:acs:abc:def';

const codeOf = (fn: () => unknown): ErrorCode | 'returned' | 'other' => {
  try {
    fn();
    return 'returned';
  } catch (e) {
    return e instanceof ParleyError ? e.code : 'other';
  }
};
const fieldOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (e) {
    return e instanceof ParleyError ? e.details?.field : undefined;
  }
  return undefined;
};

const valid = {
  createThread: {
    type: 'createThread',
    threadId: T,
    topic: 'Lunch',
    participants: [{ id: alice, displayName: 'Alice' }, { id: 'bob' }],
    metadata: { k: 'v' },
  },
  updateThread: { type: 'updateThread', threadId: T, topic: 'Dinner' },
  deleteThread: { type: 'deleteThread', threadId: T },
  addParticipants: {
    type: 'addParticipants',
    threadId: T,
    participants: [{ id: 'carol', shareHistoryTime: '2024-02-29T10:00:00+01:00' }],
  },
  removeParticipant: { type: 'removeParticipant', threadId: T, userId: alice },
  sendMessage: {
    type: 'sendMessage',
    threadId: T,
    messageId: M,
    content: 'hello',
    messageType: 'html',
    priority: 'high',
    replyTo: 'msg-earlier01',
    senderDisplayName: 'Alice',
    metadata: { a: 'b' },
  },
  editMessage: { type: 'editMessage', threadId: T, messageId: M, content: 'edited' },
  deleteMessage: { type: 'deleteMessage', threadId: T, messageId: M },
  sendReadReceipt: { type: 'sendReadReceipt', threadId: T, messageId: M },
  react: { type: 'react', threadId: T, messageId: M, emoji: '👍🏽', on: true },
} as const;

const envelope = (op: unknown) => ({ id: 'op_0123456789', device: 'dev-1', n: 1, createdOn: 'x', op });

describe('validateOp accepts', () => {
  it.each(Object.entries(valid))('a valid %s and returns an equal fresh copy', (_type, op) => {
    const out = validateOp(op);
    expect(out).not.toBe(op);
    if (op.type === 'addParticipants') {
      expect(out).toEqual({
        ...op,
        participants: [{ id: 'carol', shareHistoryTime: '2024-02-29T09:00:00.000Z' }],
      });
    } else expect(out).toEqual(op);
  });

  it('strips unknown fields at every level', () => {
    const out = validateOp({
      ...valid.createThread,
      evil: 1,
      participants: [{ id: 'bob', role: 'owner', extra: { deep: true } }],
    });
    expect(out).toEqual({
      type: 'createThread',
      threadId: T,
      topic: 'Lunch',
      participants: [{ id: 'bob' }],
      metadata: { k: 'v' },
    });
  });

  it('defaults messageType to text and leaves absent options out', () => {
    const out = validateOp({ type: 'sendMessage', threadId: T, messageId: M, content: 'x' });
    expect(out).toEqual({
      type: 'sendMessage',
      threadId: T,
      messageId: M,
      content: 'x',
      messageType: 'text',
    });
    expect(Object.keys(out)).not.toContain('priority');
  });

  it('createThread without participants means the creator alone', () => {
    expect(validateOp({ type: 'createThread', threadId: T, topic: 't' })).toMatchObject({ participants: [] });
  });

  it('accepts content of exactly 28 KB of UTF-8, counting multi-byte characters', () => {
    const exact = '€'.repeat(9000) + 'a'.repeat(28 * 1024 - 27000);
    expect(utf8ByteLength(exact)).toBe(28 * 1024);
    expect(codeOf(() => validateOp({ ...valid.sendMessage, content: exact }))).toBe('returned');
    expect(codeOf(() => validateOp({ ...valid.sendMessage, content: `${exact}a` }))).toBe(
      'CONTENT_TOO_LARGE',
    );
  });

  it('accepts a topic of 256 emoji (code points, not UTF-16 units)', () => {
    expect(codeOf(() => validateOp({ ...valid.updateThread, topic: '😀'.repeat(256) }))).toBe('returned');
    expect(codeOf(() => validateOp({ ...valid.updateThread, topic: '😀'.repeat(257) }))).toBe(
      'TOPIC_TOO_LONG',
    );
  });

  it('accepts exactly 200 participants and metadata of exactly 1 KB', () => {
    const many = Array.from({ length: 200 }, (_, i) => ({ id: `user-${i}` }));
    expect(codeOf(() => validateOp({ ...valid.addParticipants, participants: many }))).toBe('returned');
    const meta = { k: 'v'.repeat(1024 - '{"k":""}'.length) };
    expect(JSON.stringify(meta).length).toBe(1024);
    expect(codeOf(() => validateOp({ ...valid.updateThread, metadata: meta }))).toBe('returned');
    meta.k += 'v';
    expect(codeOf(() => validateOp({ ...valid.updateThread, metadata: meta }))).toBe('METADATA_TOO_LARGE');
  });

  it('normalises shareHistoryTime to toISOString', () => {
    const op = validateOp({
      ...valid.addParticipants,
      participants: [{ id: 'x', shareHistoryTime: '2020-01-01T00:00Z' }],
    });
    expect(op).toMatchObject({ participants: [{ shareHistoryTime: '2020-01-01T00:00:00.000Z' }] });
  });

  it.each([
    ['family ZWJ', '👨‍👩‍👧‍👦 family'],
    ['RTL with marks', 'مرحبا \u200fבעולם\u200e ok'],
    ['flags and skin tones', '🇯🇵🏳️‍🌈👋🏿'],
    ['combining marks', 'e\u0301 Z\u0351\u0360a\u0308'],
    ['astral CJK', '𠮷野家'],
  ])('%s content round-trips byte-exact', (_name, content) => {
    const out = validateOp({ ...valid.sendMessage, content });
    expect(out.type === 'sendMessage' && out.content).toBe(content);
    const bytes = new TextEncoder().encode(out.type === 'sendMessage' ? out.content : '');
    expect(bytes).toEqual(new TextEncoder().encode(content));
  });
});

type Case = [string, unknown, ErrorCode, string?];

const rejects: Case[] = [
  ['not an object', 'sendMessage', 'INVALID_REQUEST', 'op'],
  ['an array', [valid.deleteThread], 'INVALID_REQUEST', 'op'],
  ['null', null, 'INVALID_REQUEST', 'op'],
  ['a class instance', new Date(), 'INVALID_REQUEST', 'op'],
  ['an unknown type', { ...valid.deleteThread, type: 'nuke' }, 'INVALID_REQUEST', 'type'],
  ['a missing type', { threadId: T }, 'INVALID_REQUEST', 'type'],
  [
    'an object with an inherited type',
    Object.assign(Object.create({ type: 'deleteThread' }), { threadId: T }),
    'INVALID_REQUEST',
    'op',
  ],
  [
    'a null-prototype object without type',
    Object.assign(Object.create(null), { threadId: T }),
    'INVALID_REQUEST',
    'type',
  ],
  ['a bad thread id', { ...valid.deleteThread, threadId: 'short' }, 'INVALID_REQUEST', 'threadId'],
  [
    'a thread id with a colon',
    { ...valid.deleteThread, threadId: 'abcdefgh:1' },
    'INVALID_REQUEST',
    'threadId',
  ],
  // createThread
  ['createThread without topic', { ...valid.createThread, topic: undefined }, 'INVALID_REQUEST', 'topic'],
  ['createThread with a numeric topic', { ...valid.createThread, topic: 5 }, 'INVALID_REQUEST', 'topic'],
  [
    'createThread with a long topic',
    { ...valid.createThread, topic: 'x'.repeat(257) },
    'TOPIC_TOO_LONG',
    'topic',
  ],
  [
    'createThread with a huge topic',
    { ...valid.createThread, topic: 'x'.repeat(1e6) },
    'TOPIC_TOO_LONG',
    'topic',
  ],
  [
    'createThread with 201 participants',
    { ...valid.createThread, participants: Array.from({ length: 201 }, (_, i) => ({ id: `u${i}` })) },
    'BATCH_TOO_LARGE',
    'participants',
  ],
  [
    'createThread with participants as object',
    { ...valid.createThread, participants: { 0: { id: 'a' } } },
    'INVALID_REQUEST',
    'participants',
  ],
  [
    'createThread with a participant string',
    { ...valid.createThread, participants: ['bob'] },
    'INVALID_REQUEST',
    'participants[0]',
  ],
  [
    'createThread with a hole',
    { ...valid.createThread, participants: Object.assign(new Array(2), { 1: { id: 'b' } }) },
    'INVALID_REQUEST',
    'participants[0]',
  ],
  [
    'createThread with a control char id',
    { ...valid.createThread, participants: [{ id: 'a\u0000b' }] },
    'INVALID_REQUEST',
    'participants[0].id',
  ],
  [
    'createThread with a padded id',
    { ...valid.createThread, participants: [{ id: ' bob' }] },
    'INVALID_REQUEST',
    'participants[0].id',
  ],
  [
    'createThread with a duplicate',
    { ...valid.createThread, participants: [{ id: 'b' }, { id: 'b' }] },
    'INVALID_REQUEST',
    'participants[1].id',
  ],
  [
    'createThread with a long display name',
    { ...valid.createThread, participants: [{ id: 'b', displayName: 'n'.repeat(257) }] },
    'INVALID_REQUEST',
    'participants[0].displayName',
  ],
  [
    'createThread with big participant metadata',
    { ...valid.createThread, participants: [{ id: 'b', metadata: { k: 'v'.repeat(1100) } }] },
    'METADATA_TOO_LARGE',
    'participants[0].metadata',
  ],
  [
    'createThread with big metadata',
    { ...valid.createThread, metadata: { a: 'x'.repeat(600), b: 'y'.repeat(600) } },
    'METADATA_TOO_LARGE',
    'metadata',
  ],
  [
    'createThread with nested metadata',
    { ...valid.createThread, metadata: { a: { b: 'c' } } },
    'INVALID_REQUEST',
    'metadata["a"]',
  ],
  [
    'createThread with array metadata',
    { ...valid.createThread, metadata: ['a'] },
    'INVALID_REQUEST',
    'metadata',
  ],
  [
    'createThread with __proto__ metadata',
    { ...valid.createThread, metadata: JSON.parse('{"__proto__":"x"}') },
    'INVALID_REQUEST',
    'metadata["__proto__"]',
  ],
  // updateThread
  ['updateThread with nothing to update', { type: 'updateThread', threadId: T }, 'INVALID_REQUEST', 'topic'],
  [
    'updateThread with a long topic',
    { ...valid.updateThread, topic: 'é'.repeat(300) },
    'TOPIC_TOO_LONG',
    'topic',
  ],
  [
    'updateThread with a lone surrogate topic',
    { ...valid.updateThread, topic: 'a\ud800' },
    'INVALID_REQUEST',
    'topic',
  ],
  [
    'updateThread with null metadata',
    { ...valid.updateThread, metadata: null },
    'INVALID_REQUEST',
    'metadata',
  ],
  // addParticipants
  [
    'addParticipants with none',
    { ...valid.addParticipants, participants: [] },
    'INVALID_REQUEST',
    'participants',
  ],
  [
    'addParticipants without participants',
    { type: 'addParticipants', threadId: T },
    'INVALID_REQUEST',
    'participants',
  ],
  [
    'addParticipants with a huge batch',
    { ...valid.addParticipants, participants: new Array(1e6) },
    'BATCH_TOO_LARGE',
    'participants',
  ],
  [
    'addParticipants with a bad time',
    { ...valid.addParticipants, participants: [{ id: 'c', shareHistoryTime: 'yesterday' }] },
    'INVALID_REQUEST',
    'participants[0].shareHistoryTime',
  ],
  [
    'addParticipants with Feb 30',
    { ...valid.addParticipants, participants: [{ id: 'c', shareHistoryTime: '2023-02-29T00:00:00Z' }] },
    'INVALID_REQUEST',
    'participants[0].shareHistoryTime',
  ],
  [
    'addParticipants with a zoneless time',
    { ...valid.addParticipants, participants: [{ id: 'c', shareHistoryTime: '2023-02-01T00:00:00' }] },
    'INVALID_REQUEST',
    'participants[0].shareHistoryTime',
  ],
  [
    'addParticipants with a Date object',
    { ...valid.addParticipants, participants: [{ id: 'c', shareHistoryTime: new Date() }] },
    'INVALID_REQUEST',
    'participants[0].shareHistoryTime',
  ],
  // removeParticipant
  ['removeParticipant without user', { type: 'removeParticipant', threadId: T }, 'INVALID_REQUEST', 'userId'],
  [
    'removeParticipant with an overlong id',
    { ...valid.removeParticipant, userId: 'u'.repeat(257) },
    'INVALID_REQUEST',
    'userId',
  ],
  [
    'removeParticipant with a lone surrogate id',
    { ...valid.removeParticipant, userId: 'u\udc00' },
    'INVALID_REQUEST',
    'userId',
  ],
  // sendMessage
  ['sendMessage with a short id', { ...valid.sendMessage, messageId: 'abc' }, 'INVALID_REQUEST', 'messageId'],
  [
    'sendMessage with a slash id',
    { ...valid.sendMessage, messageId: 'abc/defghij' },
    'INVALID_REQUEST',
    'messageId',
  ],
  ['sendMessage with empty content', { ...valid.sendMessage, content: '' }, 'INVALID_REQUEST', 'content'],
  ['sendMessage with numeric content', { ...valid.sendMessage, content: 42 }, 'INVALID_REQUEST', 'content'],
  [
    'sendMessage with a lone high surrogate',
    { ...valid.sendMessage, content: 'hi \ud83d' },
    'INVALID_REQUEST',
    'content',
  ],
  [
    'sendMessage with a lone low surrogate',
    { ...valid.sendMessage, content: '\ude00 hi' },
    'INVALID_REQUEST',
    'content',
  ],
  [
    'sendMessage with 28 KB + 1',
    { ...valid.sendMessage, content: 'a'.repeat(28 * 1024 + 1) },
    'CONTENT_TOO_LARGE',
    'content',
  ],
  [
    'sendMessage with 10k emoji',
    { ...valid.sendMessage, content: '😀'.repeat(7200) },
    'CONTENT_TOO_LARGE',
    'content',
  ],
  [
    'sendMessage with a huge string',
    { ...valid.sendMessage, content: 'x'.repeat(5e6) },
    'CONTENT_TOO_LARGE',
    'content',
  ],
  [
    'sendMessage with type markdown',
    { ...valid.sendMessage, messageType: 'markdown' },
    'INVALID_REQUEST',
    'messageType',
  ],
  [
    'sendMessage with a system type',
    { ...valid.sendMessage, messageType: 'topicUpdated' },
    'INVALID_REQUEST',
    'messageType',
  ],
  [
    'sendMessage with priority urgent',
    { ...valid.sendMessage, priority: 'urgent' },
    'INVALID_REQUEST',
    'priority',
  ],
  ['sendMessage with a bad replyTo', { ...valid.sendMessage, replyTo: 'x' }, 'INVALID_REQUEST', 'replyTo'],
  [
    'sendMessage with big metadata',
    { ...valid.sendMessage, metadata: { k: 'é'.repeat(600) } },
    'METADATA_TOO_LARGE',
    'metadata',
  ],
  [
    'sendMessage with many small metadata keys',
    {
      ...valid.sendMessage,
      metadata: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, 'v'])),
    },
    'METADATA_TOO_LARGE',
    'metadata',
  ],
  [
    'sendMessage with a non-string metadata value',
    { ...valid.sendMessage, metadata: { n: 1 } },
    'INVALID_REQUEST',
    'metadata["n"]',
  ],
  [
    'sendMessage with a long sender name',
    { ...valid.sendMessage, senderDisplayName: 'n'.repeat(300) },
    'INVALID_REQUEST',
    'senderDisplayName',
  ],
  // editMessage
  [
    'editMessage with nothing to edit',
    { type: 'editMessage', threadId: T, messageId: M },
    'INVALID_REQUEST',
    'content',
  ],
  ['editMessage with empty content', { ...valid.editMessage, content: '' }, 'INVALID_REQUEST', 'content'],
  [
    'editMessage with large content',
    { ...valid.editMessage, content: '€'.repeat(10000) },
    'CONTENT_TOO_LARGE',
    'content',
  ],
  [
    'editMessage without message id',
    { type: 'editMessage', threadId: T, content: 'x' },
    'INVALID_REQUEST',
    'messageId',
  ],
  // deleteMessage / sendReadReceipt
  [
    'deleteMessage with a numeric id',
    { ...valid.deleteMessage, messageId: 12345678 },
    'INVALID_REQUEST',
    'messageId',
  ],
  [
    'sendReadReceipt with a long id',
    { ...valid.sendReadReceipt, messageId: 'm'.repeat(65) },
    'INVALID_REQUEST',
    'messageId',
  ],
  // react
  ['react without on', { type: 'react', threadId: T, messageId: M, emoji: '👍' }, 'INVALID_REQUEST', 'on'],
  ['react with on as string', { ...valid.react, on: 'true' }, 'INVALID_REQUEST', 'on'],
  ['react with an empty emoji', { ...valid.react, emoji: '' }, 'INVALID_REQUEST', 'emoji'],
  ['react with a spaced emoji', { ...valid.react, emoji: '👍 👍' }, 'INVALID_REQUEST', 'emoji'],
  ['react with a long emoji', { ...valid.react, emoji: '👍'.repeat(33) }, 'INVALID_REQUEST', 'emoji'],
];

describe('validateOp rejects', () => {
  it.each(rejects)('%s', (_name, input, code, field) => {
    expect(codeOf(() => validateOp(input))).toBe(code);
    if (field !== undefined) expect(fieldOf(() => validateOp(input))).toBe(field);
  });

  it('a getter, without calling it', () => {
    let called = false;
    const op = {
      type: 'sendMessage',
      threadId: T,
      messageId: M,
      get content() {
        called = true;
        throw new Error('boom');
      },
    };
    expect(codeOf(() => validateOp(op))).toBe('INVALID_REQUEST');
    expect(fieldOf(() => validateOp(op))).toBe('content');
    expect(called).toBe(false);
  });

  it('a hostile Proxy as INVALID_REQUEST, not its own exception', () => {
    const trap = () => {
      throw new TypeError('trap');
    };
    const proxy = new Proxy({}, { getPrototypeOf: trap, getOwnPropertyDescriptor: trap, ownKeys: trap });
    expect(codeOf(() => validateOp(proxy))).toBe('INVALID_REQUEST');
    expect(codeOf(() => validateOp({ ...valid.createThread, metadata: proxy }))).toBe('INVALID_REQUEST');
  });

  it('deeply nested input without a stack overflow', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = { content: deep, participants: [deep] };
    expect(codeOf(() => validateOp({ ...valid.sendMessage, content: deep }))).toBe('INVALID_REQUEST');
    expect(codeOf(() => validateOp({ ...valid.createThread, participants: [deep] }))).toBe('INVALID_REQUEST');
  });

  it('does not pollute prototypes through __proto__ keys', () => {
    const input = JSON.parse(`{"type":"deleteThread","threadId":"${T}","__proto__":{"polluted":true}}`);
    const out = validateOp(input) as unknown as Record<string, unknown>;
    expect(out.polluted).toBeUndefined();
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('validateEnvelope', () => {
  it('accepts a valid envelope and validates its op', () => {
    const env = envelope(valid.sendMessage);
    expect(validateEnvelope({ ...env, junk: 1 })).toEqual(env);
  });

  it.each<Case>([
    ['a bad op id', { ...envelope(valid.deleteThread), id: 'short' }, 'INVALID_REQUEST', 'id'],
    [
      'a device with a space',
      { ...envelope(valid.deleteThread), device: 'my dev' },
      'INVALID_REQUEST',
      'device',
    ],
    ['an empty device', { ...envelope(valid.deleteThread), device: '' }, 'INVALID_REQUEST', 'device'],
    [
      'a 65-char device',
      { ...envelope(valid.deleteThread), device: 'd'.repeat(65) },
      'INVALID_REQUEST',
      'device',
    ],
    ['n = 0', { ...envelope(valid.deleteThread), n: 0 }, 'INVALID_REQUEST', 'n'],
    ['n = 1.5', { ...envelope(valid.deleteThread), n: 1.5 }, 'INVALID_REQUEST', 'n'],
    ['n unsafe', { ...envelope(valid.deleteThread), n: 2 ** 53 }, 'INVALID_REQUEST', 'n'],
    ['n as string', { ...envelope(valid.deleteThread), n: '1' }, 'INVALID_REQUEST', 'n'],
    [
      'a numeric createdOn',
      { ...envelope(valid.deleteThread), createdOn: 1 },
      'INVALID_REQUEST',
      'createdOn',
    ],
    ['a missing op', { ...envelope(valid.deleteThread), op: undefined }, 'INVALID_REQUEST', 'op'],
    ['a bad op field', envelope({ ...valid.sendMessage, content: '' }), 'INVALID_REQUEST', 'op.content'],
    [
      'a too-large op',
      envelope({ ...valid.sendMessage, content: 'a'.repeat(30000) }),
      'CONTENT_TOO_LARGE',
      'op.content',
    ],
  ])('rejects %s', (_name, input, code, field) => {
    expect(codeOf(() => validateEnvelope(input))).toBe(code);
    expect(fieldOf(() => validateEnvelope(input))).toBe(field);
  });
});

describe('text helpers', () => {
  it('isWellFormedText and utf8ByteLength agree with TextEncoder on well-formed strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 50 }), (s) => {
        expect(isWellFormedText(s)).toBe(true);
        expect(utf8ByteLength(s)).toBe(new TextEncoder().encode(s).length);
      }),
      { numRuns: 300 },
    );
  });

  it('isWellFormedText finds every lone surrogate', () => {
    // The oracle keeps a leading U+FEFF: a default TextDecoder strips it as a byte order mark, and
    // then a well-formed string starting with one did not round-trip (a flaky failure).
    const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    expect(isWellFormedText('\uFEFFhello')).toBe(true);
    expect(decoder.decode(new TextEncoder().encode('\uFEFF'))).toBe('\uFEFF');
    fc.assert(
      fc.property(fc.string({ unit: codeUnit, maxLength: 20 }), (s) => {
        const roundTrips = decoder.decode(new TextEncoder().encode(s)) === s;
        expect(isWellFormedText(s)).toBe(roundTrips);
      }),
      { numRuns: 1000 },
    );
  });
});

// ---- fuzzing ----------------------------------------------------------------------------------

const expectOnlyParleyErrors = (run: () => unknown): void => {
  try {
    run();
  } catch (e) {
    if (!(e instanceof ParleyError)) throw new Error(`non-ParleyError escaped: ${String(e)}`);
  }
};

/** A valid op with one field replaced, removed or added, at the top level or one level down. */
const mutatedOp = fc
  .tuple(
    fc.constantFrom(...Object.values(valid)),
    fc.constantFrom(
      'type',
      'threadId',
      'messageId',
      'content',
      'topic',
      'participants',
      'metadata',
      'emoji',
      'on',
      '__proto__',
      'userId',
      'priority',
    ),
    fc.oneof(
      fc.anything(),
      fc.constant(undefined),
      fc.string({ unit: codeUnit }),
      fc.array(fc.anything(), { maxLength: 3 }),
    ),
    fc.boolean(),
  )
  .map(([op, key, value, nested]) => {
    const copy: Record<string, unknown> = JSON.parse(JSON.stringify(op));
    if (nested && Array.isArray(copy.participants) && copy.participants[0]) {
      Object.defineProperty(copy.participants[0], key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
    }
    return copy;
  });

describe('validateOp fuzzing', () => {
  it('never throws anything but ParleyError on arbitrary values', () => {
    fc.assert(
      fc.property(
        fc.anything({
          withNullPrototype: true,
          withObjectString: true,
          withSparseArray: true,
          withBoxedValues: true,
          withMap: true,
          withSet: true,
          withTypedArray: true,
          withDate: true,
          withBigInt: true,
        }),
        (v) => {
          expectOnlyParleyErrors(() => validateOp(v));
          expectOnlyParleyErrors(() => validateEnvelope(v));
          expectOnlyParleyErrors(() => validateEnvelope(envelope(v)));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('mutated valid ops either validate to a fresh plain op or throw ParleyError', () => {
    fc.assert(
      fc.property(mutatedOp, (op) => {
        let out: unknown;
        try {
          out = validateOp(op);
        } catch (e) {
          if (!(e instanceof ParleyError)) throw new Error(`non-ParleyError escaped: ${String(e)}`);
          return;
        }
        // whatever passes survives a JSON round trip unchanged and validates again to itself
        expect(JSON.parse(JSON.stringify(out))).toEqual(out);
        expect(validateOp(out)).toEqual(out);
      }),
      { numRuns: 2000 },
    );
  });

  it('any ParleyError it throws names a field', () => {
    fc.assert(
      fc.property(mutatedOp, (op) => {
        try {
          validateOp(op);
        } catch (e) {
          expect(e).toBeInstanceOf(ParleyError);
          expect(typeof (e as ParleyError).details?.field).toBe('string');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('limits are the documented ACS numbers', () => {
    expect(limits).toMatchObject({
      maxContentBytes: 28672,
      maxMessageMetadataBytes: 1024,
      maxThreadMetadataBytes: 1024,
      maxParticipantMetadataBytes: 1024,
      maxMembers: 250,
      maxParticipantsPerBatch: 200,
      maxTopicChars: 256,
      maxDisplayNameChars: 256,
      maxEmojiChars: 32,
    });
  });
});
