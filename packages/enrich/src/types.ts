/**
 * The shapes shared by the enrichment pipeline: the event seam to a chat client, enrichers and
 * the annotations they produce. Nothing here does I/O.
 */

/** The ACS real-time event names the enrichment listens to. */
export type MessageEventName = 'chatMessageReceived' | 'chatMessageEdited' | 'chatMessageDeleted';

/**
 * The fields of an ACS message event the enrichment reads. `chatMessageReceived` and
 * `chatMessageEdited` carry `message`; `chatMessageDeleted` carries `deletedOn`.
 */
export interface MessageEventLike {
  id: string;
  threadId: string;
  message?: string;
  type: string;
  editedOn?: Date;
  deletedOn?: Date;
  version?: string;
}

/**
 * The part of a Parley `ChatClient` the enrichment needs. Any emitter with ACS's event names fits,
 * so the enrichment never imports the client.
 */
export interface MessageEventSource {
  on(event: MessageEventName, listener: (e: MessageEventLike) => void): void;
  off(event: MessageEventName, listener: (e: MessageEventLike) => void): void;
}

/** A message the app itself sends (or edits), enriched without waiting for the relay's echo. */
export interface LocalMessage {
  id: string;
  threadId: string;
  message: string;
  /** `text` (default) or `html`; html is reduced to its text before enrichment. */
  type?: string;
  version?: string;
}

/** What an enricher learns about the message besides its text. */
export interface EnrichContext {
  readonly messageId: string;
  readonly threadId: string;
  readonly version: string | undefined;
  /** Aborted when the message is edited or deleted before the enricher finishes, or on close. */
  readonly signal: AbortSignal;
}

/**
 * One piece of local intelligence run over each message. `name` is the key of its result in
 * {@link Annotations.byEnricher}; it must be unique within one enrichment.
 *
 * @example
 * const shouting: Enricher = { name: 'shouting', enrich: (text) => text.length > 3 && text === text.toUpperCase() };
 */
export interface Enricher {
  readonly name: string;
  enrich(text: string, ctx: EnrichContext): Promise<unknown> | unknown;
}

/** Why an enricher produced no value. `code` is stable (see `EnrichmentErrorCode`), `message` is for people. */
export interface AnnotationError {
  readonly code: string;
  readonly message: string;
}

/** One enricher's outcome: its value, or the error it raised (never thrown at the app). */
export type AnnotationResult<T = unknown> = { readonly value: T } | { readonly error: AnnotationError };

/** Everything known locally about one version of one message. */
export interface Annotations {
  readonly messageId: string;
  readonly threadId: string;
  /** The message version the results belong to (ACS `version`; undefined for local messages without one). */
  readonly version: string | undefined;
  /** Finished enrichers by name. */
  readonly byEnricher: Readonly<Record<string, AnnotationResult>>;
  /** Names of enrichers still running for this version; empty when complete. */
  readonly pending: readonly string[];
}

/** Payload of the `annotated` event: the annotations after one enricher finished. */
export interface AnnotatedEvent {
  readonly annotations: Annotations;
  /** The enricher whose result just landed. */
  readonly enricher: string;
}

/** Payload of the `dropped` event: a message's annotations were removed because it was deleted. */
export interface DroppedEvent {
  readonly messageId: string;
  readonly threadId: string;
}

/** Reads the value of one enricher, or undefined when it is missing or failed. */
export const annotationValue = <T = unknown>(
  annotations: Annotations | undefined,
  name: string,
): T | undefined => {
  const result = annotations?.byEnricher[name];
  return result && 'value' in result ? (result.value as T) : undefined;
};
