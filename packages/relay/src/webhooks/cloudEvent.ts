import type { ChatEvent } from './acsEvents.ts';
import { EVENT_TYPE_PREFIX } from './eventTypes.ts';

/** A CloudEvents 1.0 event in structured JSON mode, as posted to webhook receivers. */
export interface ChatCloudEvent {
  readonly specversion: '1.0';
  /** Unique per event and the same on every delivery attempt: receivers drop duplicates by it. */
  readonly id: string;
  readonly source: string;
  /** `Microsoft.Communication.ChatMessageReceived`, … */
  readonly type: string;
  readonly subject: string;
  readonly time: string;
  readonly datacontenttype: 'application/json';
  readonly data: Record<string, unknown>;
}

/** The media type of a structured-mode CloudEvent body. */
export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';

/**
 * Wraps a chat event as a CloudEvent. `source` names the relay (default `/parley/relay`).
 *
 * @example
 * JSON.stringify(toCloudEvent(event, randomId(), '/parley/relay'))
 */
export const toCloudEvent = (event: ChatEvent, id: string, source: string): ChatCloudEvent => ({
  specversion: '1.0',
  id,
  source,
  type: `${EVENT_TYPE_PREFIX}${event.type}`,
  subject: event.subject,
  time: event.time,
  datacontenttype: 'application/json',
  data: event.data,
});
