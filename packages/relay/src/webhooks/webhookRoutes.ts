import type { RelayStore } from '@parley/model';
import { ParleyError } from '@parley/protocol';
import { type Context, Hono } from 'hono';
import { bearerToken } from '../auth.ts';
import { constantTimeEqual } from '../http/adminRoutes.ts';
import { errorResponse, readJsonObject } from '../http/httpErrors.ts';
import { queryUsage } from '../metrics/usage.ts';
import { publicSubscription, webhookSubscriptionOf } from './subscriptions.ts';

/** What the webhook and usage admin routes need. */
export interface WebhookRoutesDeps {
  readonly adminKey?: string;
  readonly store: RelayStore;
  /** Called after a subscription is added, replaced or deleted (to refresh caches). */
  readonly onChange: () => void;
  readonly now: () => number;
  readonly onInternalError?: (error: unknown) => void;
}

/**
 * Operator routes for webhooks and usage, guarded by `Authorization: Bearer <adminKey>`:
 * - `POST /admin/webhooks {id?, url, eventTypes?, threadId?, secret?}` → 201 the subscription (its
 *   `secret` only when the relay generated it); an existing id is replaced;
 * - `GET /admin/webhooks` → `{value: [...]}` without secrets; `DELETE /admin/webhooks/:id` → 204;
 * - `GET /admin/webhooks/dead-letters?subscriptionId=&maxPageSize=` → `{value: [...]}`, newest first;
 * - `GET /admin/usage?from=&to=` → messages per day per thread and per user.
 *
 * @example
 * app.route('/', createWebhookRoutes({ adminKey, store, onChange: outbox.reload, now: Date.now }));
 */
export const createWebhookRoutes = (deps: WebhookRoutesDeps): Hono => {
  const app = new Hono();
  const admin = (header: string | undefined) => {
    const presented = bearerToken(header);
    if (!deps.adminKey || !presented || !constantTimeEqual(presented, deps.adminKey))
      throw new ParleyError('UNAUTHORIZED', 'The admin key is missing or wrong.');
  };
  const guarded =
    (handler: (c: Context, url: URL) => Promise<Response> | Response) =>
    async (c: Context): Promise<Response> => {
      try {
        admin(c.req.header('authorization'));
        return await handler(c, new URL(c.req.url));
      } catch (error) {
        return errorResponse(error, deps.onInternalError);
      }
    };

  app.post(
    '/admin/webhooks',
    guarded(async (c) => {
      const { row, generatedSecret } = webhookSubscriptionOf(await readJsonObject(c.req.raw), deps.now());
      deps.store.webhooks.putSubscription(row);
      deps.onChange();
      return Response.json(
        { ...publicSubscription(row), ...(generatedSecret ? { secret: row.secret } : {}) },
        {
          status: 201,
        },
      );
    }),
  );

  app.get(
    '/admin/webhooks',
    guarded(() => Response.json({ value: deps.store.webhooks.listSubscriptions().map(publicSubscription) })),
  );

  app.get(
    '/admin/webhooks/dead-letters',
    guarded((_c, url) => {
      const subscriptionId = url.searchParams.get('subscriptionId') ?? undefined;
      const limit = Math.min(Math.max(Number(url.searchParams.get('maxPageSize') ?? 100) || 100, 1), 1000);
      const rows = deps.store.webhooks.deadLetters({ limit, ...(subscriptionId ? { subscriptionId } : {}) });
      return Response.json({
        value: rows.map((r) => ({
          subscriptionId: r.subscriptionId,
          eventId: r.eventId,
          attempts: r.attempts,
          lastError: r.lastError,
          createdOn: new Date(r.createdAt).toISOString(),
          deadOn: new Date(r.deadAt).toISOString(),
          event: JSON.parse(r.body) as unknown,
        })),
      });
    }),
  );

  app.delete(
    '/admin/webhooks/:id',
    guarded((c) => {
      deps.store.webhooks.deleteSubscription(c.req.param('id') ?? '');
      deps.onChange();
      return new Response(null, { status: 204 });
    }),
  );

  app.get(
    '/admin/usage',
    guarded((_c, url) =>
      Response.json(
        queryUsage(
          deps.store,
          {
            ...(url.searchParams.get('from') ? { from: url.searchParams.get('from')! } : {}),
            ...(url.searchParams.get('to') ? { to: url.searchParams.get('to')! } : {}),
          },
          deps.now(),
        ),
      ),
    ),
  );

  return app;
};
