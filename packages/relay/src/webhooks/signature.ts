import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header that carries the body's signature: `webhook-signature: sha256=<hex>`. */
export const SIGNATURE_HEADER = 'webhook-signature';

/**
 * Signs a webhook body: `sha256=` and the hex HMAC-SHA256 of the exact body bytes under the
 * subscription's secret.
 *
 * @example
 * signWebhookBody('s3cret', '{"id":"1"}') // 'sha256=5f…'
 */
export const signWebhookBody = (secret: string, body: string): string =>
  `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;

/**
 * Checks a `webhook-signature` header against the body, in constant time. For receivers (and tests).
 *
 * @example
 * if (!verifyWebhookSignature(secret, rawBody, req.headers['webhook-signature'])) res.writeHead(401);
 */
export const verifyWebhookSignature = (
  secret: string,
  body: string,
  header: string | null | undefined,
): boolean => {
  if (!header) return false;
  const expected = Buffer.from(signWebhookBody(secret, body), 'utf8');
  const given = Buffer.from(header.trim(), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
};
