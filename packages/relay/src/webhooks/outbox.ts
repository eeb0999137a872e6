import { randomId, type OutboxEntry, type RelayStore, type WebhookSubscriptionRow } from '@parley/model';
import type { RelaySignals } from '../signals.ts';
import { type ChatEvent, createAcsEventSignals } from './acsEvents.ts';
import { toCloudEvent } from './cloudEvent.ts';

/** Options of `createWebhookOutbox`. */
export interface WebhookOutboxOptions {
  readonly store: RelayStore;
  /** CloudEvents `source` (default `/parley/relay`). */
  readonly source?: string;
  readonly now?: () => number;
}

/** Writes subscribed events to the durable outbox inside the change's transaction. */
export interface WebhookOutbox {
  /** Register with `relay.addSignals(outbox.signals, { transactional: true })`. */
  readonly signals: RelaySignals;
  /** Re-reads subscriptions from the store (after the admin API or config changed them). */
  reload(): void;
  /** The cached subscription with this id. */
  subscription(id: string): WebhookSubscriptionRow | undefined;
  /** Whether any subscription exists (else no event is enqueued). */
  readonly active: boolean;
}

/**
 * The webhook outbox: each chat event is matched against the subscriptions (type and thread) and
 * one row per subscription is enqueued, with the CloudEvent body fixed now — so every delivery
 * attempt, also after a restart, sends the same bytes and the same event `id`.
 *
 * @example
 * const outbox = createWebhookOutbox({ store });
 * relay.addSignals(outbox.signals, { transactional: true });
 */
export const createWebhookOutbox = (options: WebhookOutboxOptions): WebhookOutbox => {
  const { store } = options;
  const source = options.source ?? '/parley/relay';
  const now = options.now ?? Date.now;
  let subscriptions: WebhookSubscriptionRow[] = [];
  let byId = new Map<string, WebhookSubscriptionRow>();

  const reload = () => {
    subscriptions = store.webhooks.listSubscriptions();
    byId = new Map(subscriptions.map((s) => [s.id, s]));
  };
  reload();

  const emit = (event: ChatEvent) => {
    const wanted = subscriptions.filter(
      (s) => s.eventTypes.includes(event.type) && (s.threadId === null || s.threadId === event.threadId),
    );
    if (wanted.length === 0) return;
    const eventId = randomId();
    const body = JSON.stringify(toCloudEvent(event, eventId, source));
    const createdAt = now();
    const entries: OutboxEntry[] = wanted.map((s) => ({ subscriptionId: s.id, eventId, body, createdAt }));
    store.webhooks.enqueue(entries);
  };

  const facts = {
    createdOn: (threadId: string) => store.threads.get(threadId)?.createdOn,
    displayName: (threadId: string, userId: string) => store.members.get(threadId, userId)?.displayName,
  };
  const events = createAcsEventSignals(facts, () => randomId(), emit);

  // Nothing to do (and nothing to build) while no one subscribes.
  const signals: RelaySignals = {};
  for (const [name, fn] of Object.entries(events) as [keyof RelaySignals, (e: unknown) => void][]) {
    (signals as Record<string, (e: unknown) => void>)[name] = (e) => {
      if (subscriptions.length > 0) fn(e);
    };
  }

  return {
    signals,
    reload,
    subscription: (id) => byId.get(id),
    get active() {
      return subscriptions.length > 0;
    },
  };
};
