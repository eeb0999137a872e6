import { randomBytes } from 'node:crypto';
import { randomId, type WebhookSubscriptionRow } from '@parley/model';
import { ParleyError } from '@parley/protocol';
import { type ChatEventType, chatEventTypeOf, chatEventTypes } from './eventTypes.ts';

/** A webhook subscription as an operator gives it (admin API body or a config file entry). */
export interface WebhookSubscriptionInput {
  /** Stable id; generated when absent. Config-file entries should set one so restarts keep it. */
  readonly id?: string;
  /** Absolute http(s) URL of the receiver. */
  readonly url: string;
  /** Short (`ChatMessageReceived`) or full (`Microsoft.Communication.…`) names; default: all. */
  readonly eventTypes?: readonly string[];
  /** Only this thread's events. */
  readonly threadId?: string | null;
  /** HMAC key (at least 16 characters); generated when absent and returned once. */
  readonly secret?: string;
}

/** A subscription as listed to operators: everything but the secret. */
export type PublicWebhookSubscription = Omit<WebhookSubscriptionRow, 'secret'>;

const MAX_ID = 128;
const MIN_SECRET = 16;
const MAX_SECRET = 512;

const invalid = (target: string, message: string): ParleyError =>
  new ParleyError('INVALID_REQUEST', message, { target });

const urlInput = (value: unknown): string => {
  if (typeof value !== 'string') throw invalid('url', 'url must be an absolute http(s) URL.');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid('url', 'url must be an absolute http(s) URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw invalid('url', 'url must use http or https.');
  return url.toString();
};

const eventTypesInput = (value: unknown): ChatEventType[] => {
  if (value === undefined || value === null) return [...chatEventTypes];
  if (!Array.isArray(value) || value.length === 0)
    throw invalid('eventTypes', 'eventTypes must be a non-empty array of ACS chat event type names.');
  const out = new Set<ChatEventType>();
  for (const name of value) {
    const type = typeof name === 'string' ? chatEventTypeOf(name) : undefined;
    if (!type) throw invalid('eventTypes', `Unknown event type ${JSON.stringify(name)}.`);
    out.add(type);
  }
  return [...out];
};

const optionalText = (value: unknown, target: string, min: number, max: number): string | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length < min || value.length > max)
    throw invalid(target, `${target} must be a string of ${min} to ${max} characters.`);
  return value;
};

/**
 * Validates an operator's subscription and makes its row. Bad input throws
 * ParleyError('INVALID_REQUEST') naming the field, and nothing is stored.
 *
 * @example
 * const { row } = webhookSubscriptionOf({ url: 'https://hooks.example/parley' }, Date.now());
 * store.webhooks.putSubscription(row);
 */
export const webhookSubscriptionOf = (
  input: unknown,
  now: number,
): { row: WebhookSubscriptionRow; generatedSecret: boolean } => {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new ParleyError('INVALID_REQUEST', 'A webhook subscription must be a JSON object.');
  const o = input as Record<string, unknown>;
  const id = optionalText(o.id, 'id', 1, MAX_ID);
  if (id !== undefined && !/^[A-Za-z0-9._-]+$/.test(id))
    throw invalid('id', 'id may use letters, digits, ".", "_" and "-".');
  const secret = optionalText(o.secret, 'secret', MIN_SECRET, MAX_SECRET);
  const threadId = optionalText(o.threadId, 'threadId', 1, 256);
  return {
    row: {
      id: id ?? randomId(),
      url: urlInput(o.url),
      eventTypes: eventTypesInput(o.eventTypes),
      threadId: threadId ?? null,
      secret: secret ?? randomBytes(32).toString('base64url'),
      createdOn: new Date(now).toISOString(),
    },
    generatedSecret: secret === undefined,
  };
};

/** The row without its secret, for listings. */
export const publicSubscription = ({ secret: _secret, ...row }: WebhookSubscriptionRow) =>
  row as PublicWebhookSubscription;
