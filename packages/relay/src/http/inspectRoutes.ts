import {
  exportThread,
  inspectDoc,
  inspectThread,
  listThreadMessages,
  listThreads,
  readUpdateLog,
  verifyStore,
} from '@parley/inspect';
import type { RelayStore } from '@parley/model';
import { ParleyError } from '@parley/protocol';
import { type Context, Hono } from 'hono';
import { bearerToken } from '../auth.ts';
import { constantTimeEqual } from './adminRoutes.ts';
import { errorResponse } from './httpErrors.ts';

/** What the inspection routes need. Without `adminKey` every route answers 401. */
export interface InspectRoutesDeps {
  readonly store: RelayStore;
  readonly adminKey?: string;
}

const intParam = (c: Context, name: string, min: number): number | undefined => {
  const text = c.req.query(name);
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min)
    throw new ParleyError('INVALID_REQUEST', `${name} must be an integer ≥ ${min}.`, { target: name });
  return n;
};

const textParam = (c: Context, name: string): string | undefined => {
  const text = c.req.query(name);
  return text === undefined || text === '' ? undefined : text;
};

/**
 * Read-only operator routes that serve exactly what the `parley` CLI shows from a database file
 * (the same `@parley/inspect` functions over the relay's store), guarded by
 * `Authorization: Bearer <adminKey>`:
 * - `GET /admin/inspect/threads?user=&since=&until=&live=true` → `{value: ThreadSummary[]}`
 * - `GET /admin/inspect/threads/:id` → `ThreadReport`
 * - `GET /admin/inspect/threads/:id/messages?fromSeq=&limit=&as=` → `MessageListing`
 * - `GET /admin/inspect/threads/:id/export` → `ThreadBundle`
 * - `GET /admin/inspect/docs/:docName` → `DocReport`; `…/:docName/log` → `UpdateLog`
 * - `GET /admin/inspect/verify?thread=` → `VerifyReport` (200 whether or not it is consistent)
 *
 * @example
 * app.route('/', createInspectRoutes({ store, adminKey: process.env.PARLEY_ADMIN_KEY }));
 * // curl -H "Authorization: Bearer $PARLEY_ADMIN_KEY" http://127.0.0.1:8787/admin/inspect/threads
 */
export const createInspectRoutes = (deps: InspectRoutesDeps): Hono => {
  const app = new Hono();
  const { store } = deps;

  const guarded =
    (handler: (c: Context) => unknown) =>
    (c: Context): Response => {
      try {
        const presented = bearerToken(c.req.header('authorization'));
        if (!deps.adminKey || !presented || !constantTimeEqual(presented, deps.adminKey))
          throw new ParleyError('UNAUTHORIZED', 'The admin key is missing or wrong.');
        return c.json(handler(c) as object, 200);
      } catch (error) {
        return errorResponse(error);
      }
    };

  app.get(
    '/admin/inspect/threads',
    guarded((c) => {
      const user = textParam(c, 'user');
      const since = textParam(c, 'since');
      const until = textParam(c, 'until');
      return {
        value: listThreads(store, {
          ...(user !== undefined ? { user } : {}),
          ...(since !== undefined ? { since } : {}),
          ...(until !== undefined ? { until } : {}),
          ...(c.req.query('live') === 'true' ? { live: true } : {}),
        }),
      };
    }),
  );
  app.get(
    '/admin/inspect/threads/:id',
    guarded((c) => inspectThread(store, c.req.param('id') ?? '')),
  );
  app.get(
    '/admin/inspect/threads/:id/messages',
    guarded((c) => {
      const fromSeq = intParam(c, 'fromSeq', 1);
      const limit = intParam(c, 'limit', 0);
      const as = textParam(c, 'as');
      return listThreadMessages(store, c.req.param('id') ?? '', {
        ...(fromSeq !== undefined ? { fromSeq } : {}),
        ...(limit !== undefined ? { limit } : {}),
        ...(as !== undefined ? { as } : {}),
      });
    }),
  );
  app.get(
    '/admin/inspect/threads/:id/export',
    guarded((c) => exportThread(store, c.req.param('id') ?? '')),
  );
  app.get(
    '/admin/inspect/docs/:name',
    guarded((c) => inspectDoc(store, c.req.param('name') ?? '')),
  );
  app.get(
    '/admin/inspect/docs/:name/log',
    guarded((c) => readUpdateLog(store, c.req.param('name') ?? '')),
  );
  app.get(
    '/admin/inspect/verify',
    guarded((c) => verifyStore(store, textParam(c, 'thread'))),
  );
  return app;
};
