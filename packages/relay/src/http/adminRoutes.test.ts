import type { RelayStore, ThreadRow } from '@parley/model';
import { describe, expect, it } from 'vitest';
import { createHmacTokens } from '../auth.ts';
import { constantTimeEqual, createAdminRoutes } from './adminRoutes.ts';

const tokens = createHmacTokens({ secret: 'admin-routes-test-secret-0123456789abcdef' });
const row: ThreadRow = {
  id: 'thread-0001',
  topic: 'Ops',
  createdBy: 'alice',
  createdOn: '2025-01-01T00:00:00.000Z',
  deletedOn: null,
  lastMessageOn: null,
  lastSeq: 3,
  currentPage: 0,
  idempotencyKey: 'k-1',
};
/** Only `threads.list` is reached by the admin routes; the rest of the store is not touched. */
const listCalls: unknown[] = [];
const store = {
  threads: {
    list: (options: unknown) => {
      listCalls.push(options);
      return [row];
    },
  },
} as unknown as RelayStore;

const app = createAdminRoutes({
  adminKey: 'the-admin-key',
  issueToken: tokens.sign,
  store,
  now: () => Date.parse('2025-06-01T00:00:00Z'),
});

const post = (body: unknown, authorization?: string, target = app) =>
  target.request('http://relay.test/admin/tokens', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(body),
  });

describe('POST /admin/tokens', () => {
  it('issues a token the relay verifier accepts, with its expiry', async () => {
    const res = await post(
      { userId: 'alice', displayName: 'Alice', scope: 'chat.join', ttlSeconds: 3600 },
      'Bearer the-admin-key',
    );
    expect(res.status).toBe(201);
    const body = (await res.json()) as { token: string; expiresOn: string };
    expect(body.expiresOn).toBe('2025-06-01T01:00:00.000Z');
    await expect(tokens.verify(body.token)).resolves.toMatchObject({
      userId: 'alice',
      displayName: 'Alice',
      scope: 'chat.join',
    });
  });

  it('answers 401 UNAUTHORIZED for a missing or wrong key, and when no key is configured', async () => {
    const noKey = createAdminRoutes({ issueToken: tokens.sign, store });
    const attempts = [
      post({ userId: 'alice' }),
      post({ userId: 'alice' }, 'Bearer the-admin-kez'),
      post({ userId: 'alice' }, 'Bearer the-admin-key-and-more'),
      post({ userId: 'alice' }, 'the-admin-key'),
      post({ userId: 'alice' }, 'Bearer anything', noKey),
      post({ userId: 'alice' }, 'Bearer ', noKey),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } });
    }
  });

  it('rejects bad requests with 400 naming the field', async () => {
    for (const [body, field] of [
      [{}, 'userId'],
      [{ userId: '' }, 'userId'],
      [{ userId: 'a', scope: 'root' }, 'scope'],
      [{ userId: 'a', ttlSeconds: 0 }, 'ttlSeconds'],
      [{ userId: 'a', ttlSeconds: 1.5 }, 'ttlSeconds'],
    ] as const) {
      const res = await post(body, 'Bearer the-admin-key');
      expect(res.status).toBe(400);
      const json = (await res.json()) as { error: { code: string; message: string } };
      expect(json.error.code).toBe('INVALID_REQUEST');
      expect(json.error.message).toContain(field);
    }
  });

  it('answers 503 when the relay has no token issuer', async () => {
    const noIssuer = createAdminRoutes({ adminKey: 'the-admin-key', store });
    const res = await post({ userId: 'alice' }, 'Bearer the-admin-key', noIssuer);
    expect(res.status).toBe(503);
  });
});

describe('GET /admin/threads', () => {
  it('lists thread rows for operators, without idempotency keys', async () => {
    const res = await app.request('http://relay.test/admin/threads?includeDeleted=true&maxPageSize=5', {
      headers: { authorization: 'Bearer the-admin-key' },
    });
    expect(res.status).toBe(200);
    const { idempotencyKey: _key, ...visible } = row;
    expect(await res.json()).toEqual({ value: [visible] });
    expect(listCalls.at(-1)).toEqual({ includeDeleted: true, limit: 5 });
    const denied = await app.request('http://relay.test/admin/threads');
    expect(denied.status).toBe(401);
  });
});

describe('constantTimeEqual', () => {
  it('is true only for identical strings, whatever their lengths', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', 'x')).toBe(false);
  });
});
