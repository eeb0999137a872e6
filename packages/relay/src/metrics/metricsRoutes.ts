import { ParleyError } from '@parley/protocol';
import { Hono } from 'hono';
import { bearerToken } from '../auth.ts';
import { constantTimeEqual } from '../http/adminRoutes.ts';
import { errorResponse } from '../http/httpErrors.ts';
import type { RelayMetrics } from './relayMetrics.ts';

/**
 * `GET /metrics` in Prometheus text format, for `Authorization: Bearer <token>` only (Prometheus:
 * `authorization: { credentials: <token> }` in the scrape config).
 *
 * @example
 * app.route('/', createMetricsRoutes({ metrics, token: process.env.PARLEY_METRICS_TOKEN }));
 */
export const createMetricsRoutes = (deps: { metrics: Pick<RelayMetrics, 'render'>; token: string }): Hono => {
  const app = new Hono();
  app.get('/metrics', async (c) => {
    const presented = bearerToken(c.req.header('authorization'));
    if (!presented || !constantTimeEqual(presented, deps.token))
      return errorResponse(new ParleyError('UNAUTHORIZED', 'The metrics token is missing or wrong.'));
    const { contentType, body } = await deps.metrics.render();
    return new Response(body, { status: 200, headers: { 'content-type': contentType } });
  });
  return app;
};
