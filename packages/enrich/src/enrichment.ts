import { ParleyError } from '@parley/protocol';
import { type AnnotationStore, createMemoryAnnotationStore } from './annotationStore.ts';
import { toAnnotationError } from './enrichmentError.ts';
import { compareVersions } from './messageVersion.ts';
import { htmlToText } from './plainText.ts';
import type {
  AnnotatedEvent,
  AnnotationResult,
  Annotations,
  DroppedEvent,
  EnrichContext,
  Enricher,
  LocalMessage,
  MessageEventLike,
  MessageEventName,
  MessageEventSource,
} from './types.ts';
import { createWorkQueue, type WorkQueue } from './workQueue.ts';

/** Options of {@link createEnrichment}. */
export interface EnrichmentOptions {
  /** The chat client (or any emitter of ACS message events) to follow. Omit to feed only `enrichLocal`. */
  source?: MessageEventSource;
  /** What to compute for each message; names must be unique. */
  enrichers: readonly Enricher[];
  /** Per enricher, how many of its async calls may be in flight at once. Default 4. */
  concurrency?: number;
  /** Where annotations are kept. Default: a memory store of up to 50,000 messages. */
  store?: AnnotationStore;
  /** Message types that are enriched (case-insensitive). Default `['text', 'html']`; system messages are skipped. */
  messageTypes?: readonly string[];
  /**
   * About how long enrichment may run synchronously before yielding to the event loop, in ms, shared
   * by all enrichers (one synchronous call is never interrupted). Default 2.
   */
  sliceMs?: number;
  /** Called when an `annotated`/`dropped` listener throws. Default: `console.error`. */
  onListenerError?: (error: unknown) => void;
}

export interface EnrichmentEvents {
  annotated: AnnotatedEvent;
  dropped: DroppedEvent;
}

export interface Enrichment {
  /** The annotations of a message's latest version (possibly still `pending`), or undefined. */
  get(messageId: string): Annotations | undefined;
  /** Listens for results; returns a function that removes the listener. */
  on<E extends keyof EnrichmentEvents>(event: E, listener: (e: EnrichmentEvents[E]) => void): () => void;
  off<E extends keyof EnrichmentEvents>(event: E, listener: (e: EnrichmentEvents[E]) => void): void;
  /** Enriches a message the app sent or edited itself. Returns at once. */
  enrichLocal(message: LocalMessage): void;
  /** Drops a message's annotations (a local delete). Returns at once. */
  drop(messageId: string): void;
  /** Resolves when every queued message has been enriched. */
  whenIdle(): Promise<void>;
  /** Stops listening, cancels running enrichers and forgets queued work. Annotations stay in the store. */
  close(): void;
}

interface MessageRun {
  readonly messageId: string;
  readonly threadId: string;
  readonly version: string | undefined;
  readonly text: string;
  readonly controller: AbortController;
  readonly results: Record<string, AnnotationResult>;
  readonly pending: Set<string>;
}

type Intake =
  | { kind: 'upsert'; id: string; threadId: string; text: string; type: string; version: string | undefined }
  | { kind: 'delete'; id: string; threadId: string };

const defaultTypes = ['text', 'html'];
const maxTombstones = 10_000;

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';

/**
 * Runs enrichers over incoming and local messages off the hot path and keeps their results locally.
 * The event listeners only enqueue; edits re-run (results for an older version are discarded),
 * deletes drop the annotations, and an enricher's failure becomes `{ error: { code, message } }`.
 *
 * @example
 * const enrichment = createEnrichment({
 *   source: chatClient,
 *   enrichers: [sentimentEnricher(), languageEnricher()],
 * });
 * enrichment.on('annotated', ({ annotations }) => render(annotations.messageId));
 * // later, while rendering: enrichment.get(message.id)?.byEnricher.language
 */
export const createEnrichment = (options: EnrichmentOptions): Enrichment => {
  const enrichers = [...options.enrichers];
  const names = new Set<string>();
  for (const enricher of enrichers) {
    if (typeof enricher.name !== 'string' || enricher.name === '')
      throw new Error('every enricher needs a name');
    if (names.has(enricher.name)) throw new Error(`two enrichers are named ${enricher.name}`);
    names.add(enricher.name);
  }
  const store = options.store ?? createMemoryAnnotationStore();
  const types = new Set((options.messageTypes ?? defaultTypes).map((t) => t.toLowerCase()));
  const reportListenerError = options.onListenerError ?? ((error: unknown) => console.error(error));
  // Each enricher queue drains on its own macrotask; they share the slice so that one event-loop
  // turn spends about `sliceMs` on enrichment in total, whatever the number of enrichers.
  const sliceMs = options.sliceMs ?? 2;
  const queueOptions = {
    sliceMs: sliceMs / Math.max(1, enrichers.length),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
  };

  const intake = createWorkQueue({ sliceMs, concurrency: Number.POSITIVE_INFINITY });
  const queues: WorkQueue[] = enrichers.map(() => createWorkQueue(queueOptions));
  const runs = new Map<string, MessageRun>();
  const tombstones = new Set<string>();
  const listeners = {
    annotated: new Set<(e: AnnotatedEvent) => void>(),
    dropped: new Set<(e: DroppedEvent) => void>(),
  };
  let closed = false;

  const emit = <E extends keyof EnrichmentEvents>(event: E, payload: EnrichmentEvents[E]) => {
    for (const listener of listeners[event] as Set<(e: EnrichmentEvents[E]) => void>) {
      try {
        listener(payload);
      } catch (error) {
        reportListenerError(error);
      }
    }
  };

  const snapshot = (run: MessageRun): Annotations =>
    Object.freeze({
      messageId: run.messageId,
      threadId: run.threadId,
      version: run.version,
      byEnricher: Object.freeze({ ...run.results }),
      pending: Object.freeze([...run.pending]),
    });

  const finish = (run: MessageRun, name: string, result: AnnotationResult) => {
    if (closed || runs.get(run.messageId) !== run) return; // edited, deleted or closed meanwhile
    run.results[name] = result;
    run.pending.delete(name);
    if (run.pending.size === 0) runs.delete(run.messageId);
    const annotations = snapshot(run);
    store.set(annotations);
    emit('annotated', { annotations, enricher: name });
  };

  const jobFor = (run: MessageRun, enricher: Enricher, ctx: EnrichContext) => (): unknown => {
    if (closed || runs.get(run.messageId) !== run) return undefined;
    let output: unknown;
    try {
      output = enricher.enrich(run.text, ctx);
    } catch (error) {
      finish(run, enricher.name, { error: toAnnotationError(error) });
      return undefined;
    }
    if (!isThenable(output)) {
      finish(run, enricher.name, { value: output });
      return undefined;
    }
    return Promise.resolve(output).then(
      (value) => finish(run, enricher.name, { value }),
      (error: unknown) => finish(run, enricher.name, { error: toAnnotationError(error) }),
    );
  };

  const isStale = (id: string, version: string | undefined): boolean => {
    if (tombstones.has(id)) return true;
    const known = runs.get(id)?.version ?? store.get(id)?.version;
    if (version === undefined || known === undefined) return false;
    const order = compareVersions(version, known);
    return order !== undefined && order <= 0;
  };

  const upsert = (item: Extract<Intake, { kind: 'upsert' }>) => {
    if (enrichers.length === 0 || !types.has(item.type.toLowerCase()) || isStale(item.id, item.version))
      return;
    runs.get(item.id)?.controller.abort();
    const run: MessageRun = {
      messageId: item.id,
      threadId: item.threadId,
      version: item.version,
      text: item.type.toLowerCase() === 'html' ? htmlToText(item.text) : item.text,
      controller: new AbortController(),
      results: {},
      pending: new Set(names),
    };
    runs.set(item.id, run);
    store.set(snapshot(run));
    const ctx: EnrichContext = {
      messageId: run.messageId,
      threadId: run.threadId,
      version: run.version,
      signal: run.controller.signal,
    };
    enrichers.forEach((enricher, index) => {
      queues[index]?.push(jobFor(run, enricher, ctx));
    });
  };

  const remove = (item: Extract<Intake, { kind: 'delete' }>) => {
    const run = runs.get(item.id);
    run?.controller.abort();
    runs.delete(item.id);
    const had = run !== undefined || store.get(item.id) !== undefined;
    store.delete(item.id);
    tombstones.add(item.id);
    if (tombstones.size > maxTombstones) {
      const oldest = tombstones.values().next();
      if (!oldest.done) tombstones.delete(oldest.value);
    }
    if (had) emit('dropped', { messageId: item.id, threadId: item.threadId });
  };

  const accept = (item: Intake) => {
    intake.push(() => {
      if (closed) return;
      if (item.kind === 'upsert') upsert(item);
      else remove(item);
    });
  };

  // The listeners below are on the client's delivery path: they copy four fields and enqueue.
  const onUpsert = (e: MessageEventLike) => {
    if (closed || typeof e?.id !== 'string') return;
    accept({
      kind: 'upsert',
      id: e.id,
      threadId: e.threadId,
      text: typeof e.message === 'string' ? e.message : '',
      type: typeof e.type === 'string' ? e.type : 'text',
      version: e.version,
    });
  };
  const onDelete = (e: MessageEventLike) => {
    if (closed || typeof e?.id !== 'string') return;
    accept({ kind: 'delete', id: e.id, threadId: e.threadId });
  };
  const subscriptions: Array<[MessageEventName, (e: MessageEventLike) => void]> = [
    ['chatMessageReceived', onUpsert],
    ['chatMessageEdited', onUpsert],
    ['chatMessageDeleted', onDelete],
  ];
  for (const [event, listener] of subscriptions) options.source?.on(event, listener);

  const allIdle = () => intake.idle && queues.every((q) => q.idle);
  const assertOpen = () => {
    if (closed) throw new Error('the enrichment is closed');
  };

  return {
    get: (messageId) => store.get(messageId),
    on(event, listener) {
      listeners[event].add(listener as never);
      return () => listeners[event].delete(listener as never);
    },
    off(event, listener) {
      listeners[event].delete(listener as never);
    },
    enrichLocal(message) {
      assertOpen();
      if (typeof message?.id !== 'string' || message.id === '') {
        throw new ParleyError('INVALID_REQUEST', 'enrichLocal needs a message id', { field: 'id' });
      }
      if (typeof message.threadId !== 'string' || message.threadId === '') {
        throw new ParleyError('INVALID_REQUEST', 'enrichLocal needs a threadId', { field: 'threadId' });
      }
      if (typeof message.message !== 'string') {
        throw new ParleyError('INVALID_REQUEST', 'enrichLocal needs the message text', { field: 'message' });
      }
      accept({
        kind: 'upsert',
        id: message.id,
        threadId: message.threadId,
        text: message.message,
        type: message.type ?? 'text',
        version: message.version,
      });
    },
    drop(messageId) {
      assertOpen();
      const threadId = runs.get(messageId)?.threadId ?? store.get(messageId)?.threadId ?? '';
      accept({ kind: 'delete', id: messageId, threadId });
    },
    async whenIdle() {
      while (!allIdle()) {
        await intake.whenIdle();
        await Promise.all(queues.map((q) => q.whenIdle()));
      }
    },
    close() {
      if (closed) return;
      closed = true;
      for (const [event, listener] of subscriptions) options.source?.off(event, listener);
      for (const run of runs.values()) run.controller.abort();
      runs.clear();
      intake.clear();
      for (const queue of queues) queue.clear();
    },
  };
};
