import { createHash, timingSafeEqual } from 'node:crypto';
import { isUserId, type RelayStore } from '@parley/model';
import { ParleyError, type TokenScope, tokenScopes } from '@parley/protocol';
import { Hono } from 'hono';
import type { RelayOptions } from '../api.ts';
import { bearerToken, DEFAULT_TOKEN_TTL_SECONDS } from '../auth.ts';
import { optionalString, requiredString } from './acsInput.ts';
import { errorResponse, readJsonObject } from './httpErrors.ts';
import { maxPageSizeParam } from './paging.ts';

/** What the operator routes need. Without `adminKey` every admin route answers 401. */
export interface AdminRoutesDeps {
  readonly adminKey?: string;
  readonly issueToken?: RelayOptions['issueToken'];
  readonly store: RelayStore;
  readonly onInternalError?: (error: unknown) => void;
  /** Clock, for tests. */
  readonly now?: () => number;
}

/** Most threads `GET /admin/threads` lists at once. */
const MAX_ADMIN_LIST = 1000;

/** Longest token lifetime the admin route issues (one year). */
export const MAX_ADMIN_TOKEN_TTL_SECONDS = 365 * 24 * 60 * 60;

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** Compares two secrets in time independent of where they differ (and of their lengths). */
export const constantTimeEqual = (a: string, b: string): boolean => timingSafeEqual(digest(a), digest(b));

const scopeInput = (value: unknown): TokenScope | undefined => {
  if (value === undefined || value === null) return undefined;
  if (tokenScopes.includes(value as TokenScope)) return value as TokenScope;
  throw new ParleyError('INVALID_REQUEST', `scope must be one of ${tokenScopes.join(', ')}.`, {
    target: 'scope',
  });
};

const ttlInput = (value: unknown): number | undefined => {
  if (value === undefined || value === null) return undefined;
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value <= 0 ||
    value > MAX_ADMIN_TOKEN_TTL_SECONDS
  )
    throw new ParleyError(
      'INVALID_REQUEST',
      `ttlSeconds must be an integer between 1 and ${MAX_ADMIN_TOKEN_TTL_SECONDS}.`,
      { target: 'ttlSeconds' },
    );
  return value;
};

/**
 * Operator routes, guarded by `Authorization: Bearer <adminKey>` (compared in constant time).
 * - `POST /admin/tokens {userId, displayName?, scope?, ttlSeconds?}` → `201 {token, expiresOn}`;
 * - `GET /admin/threads?maxPageSize=&includeDeleted=true` → `{value: ThreadRow[]}`, newest activity first.
 *
 * @example
 * app.route('/', createAdminRoutes({ adminKey: process.env.PARLEY_ADMIN_KEY, issueToken: tokens.sign, store }));
 * // curl -X POST -H "Authorization: Bearer $PARLEY_ADMIN_KEY" -d '{"userId":"alice"}' http://127.0.0.1:8787/admin/tokens
 */
export const createAdminRoutes = (deps: AdminRoutesDeps): Hono => {
  const app = new Hono();
  const now = deps.now ?? Date.now;

  const requireAdmin = (header: string | undefined): void => {
    const presented = bearerToken(header);
    if (!deps.adminKey || !presented || !constantTimeEqual(presented, deps.adminKey))
      throw new ParleyError('UNAUTHORIZED', 'The admin key is missing or wrong.');
  };

  app.post('/admin/tokens', async (c) => {
    try {
      requireAdmin(c.req.header('authorization'));
      if (!deps.issueToken) throw new ParleyError('UNAVAILABLE', 'This relay does not issue tokens.');
      const body = await readJsonObject(c.req.raw);
      const userId = requiredString(body.userId, 'userId');
      if (!isUserId(userId))
        throw new ParleyError('INVALID_REQUEST', 'userId is not a valid user id.', { target: 'userId' });
      const displayName = optionalString(body.displayName, 'displayName');
      const scope = scopeInput(body.scope);
      const ttlSeconds = ttlInput(body.ttlSeconds) ?? DEFAULT_TOKEN_TTL_SECONDS;
      const issuedAt = now();
      const token = await deps.issueToken({
        userId,
        ttlSeconds,
        ...(displayName !== undefined ? { displayName } : {}),
        ...(scope !== undefined ? { scope } : {}),
      });
      const expiresOn = new Date(issuedAt + ttlSeconds * 1000).toISOString();
      return c.json({ token, expiresOn }, 201);
    } catch (error) {
      return errorResponse(error, deps.onInternalError);
    }
  });

  app.get('/admin/threads', (c) => {
    try {
      requireAdmin(c.req.header('authorization'));
      const url = new URL(c.req.url);
      const limit = Math.min(maxPageSizeParam(url, MAX_ADMIN_LIST), MAX_ADMIN_LIST);
      const includeDeleted = url.searchParams.get('includeDeleted') === 'true';
      const rows = deps.store.threads.list({ includeDeleted, limit });
      return c.json({ value: rows.map(({ idempotencyKey: _key, ...row }) => row) }, 200);
    } catch (error) {
      return errorResponse(error, deps.onInternalError);
    }
  });

  return app;
};
