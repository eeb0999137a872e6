/** Tunables of webhook delivery; defaults in `defaultWebhookDelivery`. */
export interface WebhookDeliveryOptions {
  /** Deliveries in flight at once, over all subscriptions. */
  readonly concurrency: number;
  /** A request (handshake or delivery) that takes longer fails as `timeout`. */
  readonly timeoutMs: number;
  /** Attempts before an event moves to the dead letters. */
  readonly maxAttempts: number;
  /** Age (since the change) after which a failing event moves to the dead letters. */
  readonly maxAgeMs: number;
  /** Backoff: a retry waits a random time up to `min(base · 2^attempts, max)` (full jitter). */
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** How often the worker looks for due rows when nothing woke it. */
  readonly pollMs: number;
  /** `WebHook-Request-Origin` of the abuse-protection handshake. */
  readonly origin: string;
}

/**
 * @example
 * createRelay({ store, verifyToken, webhookDelivery: { ...defaultWebhookDelivery, timeoutMs: 5000 } });
 */
export const defaultWebhookDelivery: WebhookDeliveryOptions = {
  concurrency: 8,
  timeoutMs: 10_000,
  maxAttempts: 10,
  maxAgeMs: 24 * 60 * 60 * 1000,
  backoffBaseMs: 1000,
  backoffMaxMs: 5 * 60 * 1000,
  pollMs: 1000,
  origin: 'parley-relay',
};
