import type { RelayStore } from '@parley/model';
import type { Hono } from 'hono';
import { type RelaySignals, signalNames } from '../signals.ts';
import { defaultWebhookDelivery, type WebhookDeliveryOptions } from './deliveryOptions.ts';
import { type DeliveryResult, DeliveryWorker } from './deliveryWorker.ts';
import { createWebhookOutbox, type WebhookOutbox } from './outbox.ts';
import { type WebhookSubscriptionInput, webhookSubscriptionOf } from './subscriptions.ts';
import { createWebhookRoutes } from './webhookRoutes.ts';

/** Options of `createWebhooks` (the relay passes its own). */
export interface WebhooksOptions {
  readonly store: RelayStore;
  readonly adminKey?: string;
  /** Subscriptions from the config file, upserted by id at start. */
  readonly subscriptions?: readonly WebhookSubscriptionInput[];
  readonly delivery?: Partial<WebhookDeliveryOptions>;
  /** CloudEvents `source`. */
  readonly source?: string;
  readonly now: () => number;
  readonly onAttempt?: (result: DeliveryResult, ms: number) => void;
  readonly onInternalError: (error: unknown) => void;
}

/** The webhook feature as the relay mounts it. */
export interface Webhooks {
  readonly outbox: WebhookOutbox;
  /** Transactional observer: enqueues events with the change. */
  readonly transactionalSignals: RelaySignals;
  /** After-commit observer: wakes the delivery worker. */
  readonly signals: RelaySignals;
  /** `/admin/webhooks…` and `/admin/usage`. */
  readonly routes: Hono;
  close(): Promise<void>;
}

/** Webhooks report every signal but read receipts (ACS has no receipt event). */
const SIGNAL_NAMES = signalNames.filter((n) => n !== 'readReceipt');

/**
 * Wires subscriptions, the durable outbox, the delivery worker and the admin routes together.
 *
 * @example
 * const webhooks = createWebhooks({ store, adminKey, now: Date.now, onInternalError: console.error });
 * relay.addSignals(webhooks.transactionalSignals, { transactional: true });
 */
export const createWebhooks = (options: WebhooksOptions): Webhooks => {
  const { store, now } = options;
  if (options.subscriptions?.length) {
    const rows = options.subscriptions.map((input) => {
      if (input.id === undefined || input.secret === undefined)
        throw new Error('Webhook subscriptions in the config need an id and a secret.');
      return webhookSubscriptionOf(input, now()).row;
    });
    store.transaction(() => {
      for (const row of rows) store.webhooks.putSubscription(row);
    });
  }
  const outbox = createWebhookOutbox({ store, now, ...(options.source ? { source: options.source } : {}) });
  const worker = new DeliveryWorker({
    store,
    subscription: outbox.subscription,
    options: { ...defaultWebhookDelivery, ...options.delivery },
    now,
    ...(options.onAttempt ? { onAttempt: options.onAttempt } : {}),
    onInternalError: options.onInternalError,
  });
  worker.start();
  const kick: RelaySignals = {};
  // Without subscriptions nothing was enqueued: do not claim (a query per message in bench W1).
  for (const name of SIGNAL_NAMES)
    (kick as Record<string, () => void>)[name] = () => {
      if (outbox.active) worker.kick();
    };
  const routes = createWebhookRoutes({
    store,
    now,
    onChange: () => {
      outbox.reload();
      worker.kick();
    },
    onInternalError: options.onInternalError,
    ...(options.adminKey ? { adminKey: options.adminKey } : {}),
  });
  return { outbox, transactionalSignals: outbox.signals, signals: kick, routes, close: () => worker.close() };
};
