import { ParleyError } from '@parley/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DocRef,
  formatDocName,
  headDocName,
  isThreadId,
  isUserId,
  newThreadId,
  pageDocName,
  parseDocName,
  randomId,
  requireDocName,
  timeOrderedId,
  THREAD_ID_PATTERN,
  userDocName,
} from './docNames.ts';

/** Any UTF-16 code unit, lone surrogates included (fast-check's 'binary' unit is slow to warm up). */
const codeUnit = fc
  .oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0, max: 0xffff }))
  .map((c) => String.fromCharCode(c));

const T = 'Thread_0123456789';

describe('doc names', () => {
  it.each<[string, DocRef]>([
    [`thread:${T}`, { kind: 'head', threadId: T }],
    [`thread:${T}:0`, { kind: 'page', threadId: T, page: 0 }],
    [`thread:${T}:42`, { kind: 'page', threadId: T, page: 42 }],
    [`thread:${T}:1000000`, { kind: 'page', threadId: T, page: 1_000_000 }],
    ['user:alice', { kind: 'user', userId: 'alice' }],
    ['user:8:acs:abc:def', { kind: 'user', userId: '8:acs:abc:def' }],
    ['user:8:acs:ea4f_00000001-2345', { kind: 'user', userId: '8:acs:ea4f_00000001-2345' }],
    ['user:Zoë 👋', { kind: 'user', userId: 'Zoë 👋' }],
  ])('%s parses and formats back', (name, ref) => {
    expect(parseDocName(name)).toEqual(ref);
    expect(formatDocName(ref)).toBe(name);
    expect(requireDocName(name)).toEqual(ref);
  });

  it('the name builders agree with formatDocName', () => {
    expect(headDocName(T)).toBe(formatDocName({ kind: 'head', threadId: T }));
    expect(pageDocName(T, 3)).toBe(formatDocName({ kind: 'page', threadId: T, page: 3 }));
    expect(userDocName('8:acs:x')).toBe('user:8:acs:x');
  });

  it.each([
    ['an empty name', ''],
    ['a bare prefix', 'thread:'],
    ['a bare user prefix', 'user:'],
    ['an unknown prefix', `room:${T}`],
    ['a prefix in another case', `Thread:${T}`],
    ['a short thread id', 'thread:abc'],
    ['a thread id with a bad character', 'thread:abcdefgh.ij'],
    ['two page separators', `thread:${T}:1:2`],
    ['thread:a:b:c', 'thread:a:b:c'],
    ['an empty page', `thread:${T}:`],
    ['a page with a leading zero', `thread:${T}:01`],
    ['a negative page', `thread:${T}:-1`],
    ['a page past the maximum', `thread:${T}:1000001`],
    ['a non-decimal page', `thread:${T}:0x1`],
    ['a page with spaces', `thread:${T}: 1`],
    ['a user id with a control character', 'user:ali\u0000ce'],
    ['a user id with a newline', 'user:alice\n'],
    ['a user id with DEL', 'user:a\u007fb'],
    ['a user id with outer spaces', 'user: alice'],
    ['a user id with a lone surrogate (it would change in UTF-8)', 'user:al\ud83dice'],
    ['an overlong user id', `user:${'u'.repeat(257)}`],
    ['an overlong thread id', `thread:${'t'.repeat(65)}`],
  ])('rejects %s', (_name, name) => {
    expect(parseDocName(name)).toBeUndefined();
    let error: unknown;
    try {
      requireDocName(name);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ParleyError);
    expect((error as ParleyError).code).toBe('INVALID_DOC_NAME');
  });

  it('accepts user ids of exactly 256 characters and thread ids of 8 and 64', () => {
    expect(isUserId('u'.repeat(256))).toBe(true);
    expect(isThreadId('a'.repeat(8))).toBe(true);
    expect(isThreadId('a'.repeat(64))).toBe(true);
    expect(isThreadId('a'.repeat(7))).toBe(false);
    expect(isThreadId(12345678)).toBe(false);
  });

  it('newThreadId makes distinct ids that match the pattern', () => {
    const ids = new Set(Array.from({ length: 1000 }, newThreadId));
    expect(ids.size).toBe(1000);
    for (const id of ids) {
      expect(id).toMatch(THREAD_ID_PATTERN);
      expect(id).toHaveLength(22);
    }
    expect(randomId(8)).toMatch(/^[A-Za-z0-9_-]{8}$/);
  });

  it('makes time-ordered ids that sort (as bytes, like SQLite) in the order of their times (property)', () => {
    const time = fc.integer({ min: 0, max: 2 ** 48 - 1 });
    fc.assert(
      fc.property(time, time, (a, b) => {
        const x = timeOrderedId(22, a);
        const y = timeOrderedId(22, b);
        expect(x).toMatch(/^[A-Za-z0-9_-]{22}$/);
        if (a !== b) expect(x < y).toBe(a < b);
        expect(Buffer.compare(Buffer.from(x), Buffer.from(y)) < 0).toBe(x < y);
      }),
    );
    const now = Date.now();
    expect(timeOrderedId(22, now).slice(0, 8)).toBe(timeOrderedId(22, now).slice(0, 8));
    expect(timeOrderedId(22, now)).not.toBe(timeOrderedId(22, now));
  });

  it('round-trips every valid ref (property)', () => {
    const threadId = fc.stringMatching(/^[A-Za-z0-9_-]{8,64}$/);
    const ref: fc.Arbitrary<DocRef> = fc.oneof(
      threadId.map((id) => ({ kind: 'head', threadId: id }) as const),
      fc
        .tuple(threadId, fc.integer({ min: 0, max: 1_000_000 }))
        .map(([id, page]) => ({ kind: 'page', threadId: id, page }) as const),
      fc
        .string({ minLength: 1, maxLength: 256, unit: 'grapheme-ascii' })
        .filter(isUserId)
        .map((id) => ({ kind: 'user', userId: id }) as const),
    );
    fc.assert(
      fc.property(ref, (r) => {
        expect(parseDocName(formatDocName(r))).toEqual(r);
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on arbitrary strings, and what parses formats back to the same name', () => {
    fc.assert(
      fc.property(fc.string({ unit: codeUnit, maxLength: 80 }), (s) => {
        for (const name of [s, `thread:${s}`, `user:${s}`, `thread:${T}:${s}`]) {
          const ref = parseDocName(name);
          if (ref) expect(formatDocName(ref)).toBe(name);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
