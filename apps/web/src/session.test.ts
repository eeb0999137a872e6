import { describe, expect, it } from 'vitest';
import { expandShortcodes } from './emoji.ts';
import { identityOf, isExpired, loadSession, saveSession } from './session.ts';

const b64url = (s: string) => Buffer.from(s).toString('base64url');
const jwt = (claims: object) => `${b64url('{"alg":"HS256"}')}.${b64url(JSON.stringify(claims))}.sig`;

/** A Storage stand-in over a Map. */
const memoryStorage = (): Storage => {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => void m.set(k, v),
  };
};

describe('session', () => {
  it('reads the identity from a token, UTF-8 names included', () => {
    expect(identityOf(jwt({ sub: 'alice', name: 'Zoë 🌸', exp: 2000000000 }))).toEqual({
      userId: 'alice',
      displayName: 'Zoë 🌸',
      expiresAt: 2000000000,
    });
    expect(identityOf(jwt({ name: 'no subject' }))).toBeUndefined();
    expect(identityOf('not a token')).toBeUndefined();
    expect(identityOf('a.!!!.c')).toBeUndefined();
  });

  it('round-trips a session and rejects a damaged one', () => {
    const storage = memoryStorage();
    const s = { url: 'http://relay', token: 't', userId: 'bob', displayName: 'Bob', expiresAt: 10 };
    saveSession(s, storage);
    expect(loadSession(storage)).toEqual(s);
    expect(isExpired(s, 11_000)).toBe(true);
    expect(isExpired(s, 9_000)).toBe(false);
    storage.setItem('parley.session', '{"url": 1}');
    expect(loadSession(storage)).toBeUndefined();
    storage.setItem('parley.session', '{oops');
    expect(loadSession(storage)).toBeUndefined();
  });

  it('expands known emoji shortcodes only', () => {
    expect(expandShortcodes('ship it :rocket: :nope:')).toBe('ship it 🚀 :nope:');
  });
});
