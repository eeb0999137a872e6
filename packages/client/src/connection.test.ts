import { describe, expect, it } from 'vitest';
import { jwtExpiry, jwtSubject, syncUrl } from './connection.ts';

describe('connection helpers', () => {
  it('turns a relay base URL into the /v1/sync WebSocket URL', () => {
    expect(syncUrl('http://127.0.0.1:8787')).toBe('ws://127.0.0.1:8787/v1/sync');
    expect(syncUrl('https://chat.example.com/base/')).toBe('wss://chat.example.com/base/v1/sync');
    expect(syncUrl('wss://chat.example.com/v1/sync')).toBe('wss://chat.example.com/v1/sync');
  });

  it('reads the exp claim of a JWT and nothing from other tokens', () => {
    const body = btoa(JSON.stringify({ sub: 'a', exp: 1_900_000_000 })).replace(/=+$/, '');
    expect(jwtExpiry(`eyJhbGciOiJIUzI1NiJ9.${body}.sig`)).toBe(1_900_000_000);
    expect(jwtExpiry('opaque-token')).toBeUndefined();
    expect(jwtExpiry('a.%%%.c')).toBeUndefined();
  });
});

describe('jwtSubject', () => {
  it('reads the sub claim as a user id hint', () => {
    const body = btoa(JSON.stringify({ sub: '8:acs:alice', exp: 1 })).replace(/=+$/, '');
    expect(jwtSubject(`h.${body}.s`)).toBe('8:acs:alice');
    expect(jwtSubject('opaque')).toBeUndefined();
  });
});
