import {
  currentPageOf,
  headDocName,
  pagesMap,
  type RelayStore,
  readMeta,
  writeMeta,
  writePage,
} from '@parley/model';
import type { Committer } from './committer.ts';
import type { DocHost } from './docHost.ts';

export interface ThreadActivityOptions {
  readonly store: RelayStore;
  readonly host: DocHost;
  readonly committer: Committer;
  /** At most one head update per thread per window (ms). */
  readonly windowMs: number;
  readonly onError: (error: unknown) => void;
}

/**
 * The head doc's activity fields — `meta.lastSeq`, `meta.lastMessageOn` and the current page's
 * `lastSeq`/`count` — written at most once per thread per window instead of once per message.
 *
 * Every Y.Map write leaves a deleted Item behind, and per-message writes made a 100k-message
 * thread's head doc 2.2 MB (224k Items) that every reader had to sync before the newest page
 * (measured by bench W3). The relay's own truth is the thread row and the page records written at
 * rotation; the head trails by at most `windowMs`, which is what unopened threads need for
 * "new activity" and unread counts.
 */
export class ThreadActivity {
  readonly #o: ThreadActivityOptions;
  readonly #pending = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(options: ThreadActivityOptions) {
    this.#o = options;
  }

  /** A message was appended to the thread: publish the activity within the window. */
  touch(threadId: string): void {
    if (this.#pending.has(threadId)) return;
    const timer = setTimeout(() => {
      this.#pending.delete(threadId);
      this.#o.committer.run(() => this.flush(threadId)).catch(this.#o.onError);
    }, this.#o.windowMs);
    timer.unref?.();
    this.#pending.set(threadId, timer);
  }

  /** Writes the thread's current activity into its head doc (call inside a committer unit). */
  flush(threadId: string): void {
    const row = this.#o.store.threads.get(threadId);
    if (!row || row.deletedOn) return;
    const head = this.#o.host.open(headDocName(threadId)).doc;
    const current = currentPageOf(head, row.currentPage, row.lastSeq);
    const published = pagesMap(head).get(String(row.currentPage));
    if (readMeta(head)?.lastSeq === row.lastSeq && published?.count === current.count) return;
    head.transact(() => {
      writePage(head, current);
      writeMeta(head, {
        lastSeq: row.lastSeq,
        ...(row.lastMessageOn ? { lastMessageOn: row.lastMessageOn } : {}),
      });
    });
  }

  /** Publishes everything pending now (shutdown; call inside a committer unit). */
  flushAll(): void {
    for (const [threadId, timer] of [...this.#pending]) {
      clearTimeout(timer);
      this.#pending.delete(threadId);
      this.flush(threadId);
    }
  }
}
