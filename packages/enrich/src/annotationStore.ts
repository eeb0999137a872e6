import type { Annotations } from './types.ts';

/**
 * Where annotations are kept on the device. Synchronous on purpose: `get` is called while the
 * app renders a message. A persistent store can load into memory at start and write behind.
 */
export interface AnnotationStore {
  get(messageId: string): Annotations | undefined;
  set(annotations: Annotations): void;
  delete(messageId: string): void;
  /** Number of messages with annotations. */
  readonly size: number;
}

/** Options of {@link createMemoryAnnotationStore}. */
export interface MemoryAnnotationStoreOptions {
  /** Keep at most this many messages; the least recently written is forgotten first. Default 50,000. */
  maxEntries?: number;
}

const defaults = { maxEntries: 50_000 } satisfies Required<MemoryAnnotationStoreOptions>;

/**
 * Annotations in a Map, bounded by `maxEntries` (least recently written evicted first).
 *
 * @example
 * const store = createMemoryAnnotationStore({ maxEntries: 1000 });
 * const enrichment = createEnrichment({ enrichers: [sentimentEnricher()], store });
 */
export const createMemoryAnnotationStore = (options: MemoryAnnotationStoreOptions = {}): AnnotationStore => {
  const maxEntries = options.maxEntries ?? defaults.maxEntries;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new Error(`maxEntries must be a positive integer, got ${maxEntries}`);
  }
  const entries = new Map<string, Annotations>();
  return {
    get: (messageId) => entries.get(messageId),
    set(annotations) {
      entries.delete(annotations.messageId);
      entries.set(annotations.messageId, annotations);
      if (entries.size > maxEntries) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
    },
    delete(messageId) {
      entries.delete(messageId);
    },
    get size() {
      return entries.size;
    },
  };
};
