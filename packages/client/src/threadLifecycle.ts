import {
  headDocName,
  pageDocName,
  parseDocName,
  readMeta,
  readPages,
  type ThreadMeta,
  threadsMap,
  type UserThreadRecord,
} from '@parley/model';
import type * as Y from 'yjs';
import type { DocSync } from './docSync.ts';
import type { Emitter } from './emitter.ts';
import type { EventDiff } from './eventDiff.ts';
import type { ChatEventMap } from './eventTypes.ts';
import { userKind } from './identifiers.ts';
import { indexOps } from './opIndex.ts';
import type { Presence } from './presence.ts';
import type { ClientStorage } from './storage/clientStorage.ts';

export interface ThreadLifecycleDeps {
  readonly docs: () => DocSync | undefined;
  readonly userDoc: () => Y.Doc;
  readonly storage: ClientStorage;
  readonly emitter: Emitter<ChatEventMap>;
  readonly presence: Presence;
  readonly diff: () => EventDiff | undefined;
  /** Doc name → detach function of its event observers (shared with the core). */
  readonly detachers: Map<string, () => void>;
  readonly me: () => { id: string; displayName: string };
  readonly realtime: () => boolean;
  /** The seq below which a thread's messages are history (see eventDiff). */
  readonly floor: (threadId: string) => number;
  readonly seenKey: (threadId: string) => string;
  /** Older pages not read for this long are unloaded. */
  readonly idlePageMs: number;
}

/**
 * Which thread docs a client keeps, and what happens to them when a membership changes: heads of
 * every listed thread; pages of threads the app reads (all current pages while real-time
 * notifications are on); a removed member keeps its copy unsubscribed, read-only; a deleted thread's
 * docs are dropped locally (FEATURES C6); older pages unload when idle.
 *
 * @example
 * const lifecycle = createThreadLifecycle(deps);
 * lifecycle.onThreadRecord(threadId, record, old); // from the user doc's `threads` map
 */
export const createThreadLifecycle = (deps: ThreadLifecycleDeps) => {
  const opened = new Set<string>();
  const deleted = new Set<string>();
  const selfRemoved = new Set<string>();
  /** Page doc name → when a read last used it. */
  const pageUse = new Map<string, number>();

  /** Pages to keep subscribed for a thread the app reads: the current one and any not yet seen. */
  const wantPages = (threadId: string): void => {
    const docs = deps.docs();
    if (!docs || deleted.has(threadId)) return;
    const head = docs.get(headDocName(threadId));
    const meta = head ? readMeta(head) : undefined;
    if (!head || !meta) return;
    const record = threadsMap(deps.userDoc()).get(threadId);
    if (record?.removedOn) return;
    const floor = deps.floor(threadId);
    for (const p of readPages(head))
      if (p.page === meta.currentPage || (p.lastSeq > floor && p.lastSeq >= (record?.fromSeq ?? 1)))
        void docs.want(pageDocName(threadId, p.page));
    void docs.want(pageDocName(threadId, meta.currentPage));
  };

  const watchHead = async (threadId: string, subscribe: boolean): Promise<void> => {
    const docs = deps.docs();
    if (!docs || deleted.has(threadId)) return;
    const name = headDocName(threadId);
    if (subscribe) await docs.want(name);
    else await docs.open(name);
    if (deps.realtime() || opened.has(threadId)) wantPages(threadId);
  };

  const threadDeleted = async (threadId: string, deletedOn: string | undefined): Promise<void> => {
    const docs = deps.docs();
    if (deleted.has(threadId) || !docs) return;
    deleted.add(threadId);
    const own = indexOps(deps.userDoc(), new Set())
      .forThread(threadId)
      .some((s) => s.envelope.op.type === 'deleteThread' && s.result?.status === 'accepted');
    deps.emitter.emit('chatThreadDeleted', {
      threadId,
      version: String(Date.parse(deletedOn ?? '') || Date.now()),
      deletedOn: deletedOn ? new Date(deletedOn) : new Date(),
      deletedBy: {
        id: userKind(own ? deps.me().id : ''),
        displayName: own ? deps.me().displayName : '',
        metadata: {},
      },
      reason: 'deletedByUser',
    });
    deps.presence.forget(threadId);
    deps.diff()?.forgetThread(threadId);
    const prefix = headDocName(threadId);
    const names = new Set([...docs.names(), ...(await deps.storage.list())]);
    for (const name of names) {
      if (name !== prefix && !name.startsWith(`${prefix}:`)) continue;
      deps.detachers.get(name)?.();
      deps.detachers.delete(name);
      await docs.remove(name);
    }
    await deps.storage.setMeta(deps.seenKey(threadId), undefined);
  };

  const threadRemoved = (threadId: string, record: UserThreadRecord): void => {
    const docs = deps.docs();
    if (!docs) return;
    for (const name of docs.names()) {
      const ref = parseDocName(name);
      if (ref && ref.kind !== 'user' && ref.threadId === threadId) docs.release(name);
    }
    if (selfRemoved.has(threadId)) return;
    selfRemoved.add(threadId);
    deps.emitter.emit('participantsRemoved', {
      threadId,
      version: String(Date.parse(record.removedOn ?? '') || Date.now()),
      removedOn: new Date(record.removedOn ?? Date.now()),
      participantsRemoved: [{ id: userKind(deps.me().id), displayName: deps.me().displayName, metadata: {} }],
      removedBy: { id: userKind(''), displayName: '', metadata: {} },
    });
  };

  const onThreadRecord = (
    threadId: string,
    record: UserThreadRecord | undefined,
    old: UserThreadRecord | undefined,
  ) => {
    if (!record) return;
    if (record.deletedOn) {
      void threadDeleted(threadId, record.deletedOn);
      return;
    }
    if (record.removedOn) {
      if (!old?.removedOn) threadRemoved(threadId, record);
      return;
    }
    if (old?.removedOn) selfRemoved.delete(threadId);
    void watchHead(threadId, true);
  };

  const onHeadMeta = (threadId: string, _meta: ThreadMeta): void => {
    if (deps.realtime() || opened.has(threadId)) wantPages(threadId);
  };

  /**
   * Unloads page docs older than a thread's current page that were not read for `idlePageMs` (the
   * current page, and the next one once the relay lists it, stay subscribed).
   */
  const sweepPages = async (): Promise<void> => {
    const docs = deps.docs();
    if (!docs) return;
    const now = Date.now();
    for (const name of docs.names()) {
      const ref = parseDocName(name);
      if (ref?.kind !== 'page') continue;
      const head = docs.get(headDocName(ref.threadId));
      const current = head ? readMeta(head)?.currentPage : undefined;
      if (current !== undefined && ref.page >= current) continue;
      const used = pageUse.get(name);
      if (used === undefined) {
        pageUse.set(name, now);
        continue;
      }
      if (now - used < deps.idlePageMs) continue;
      pageUse.delete(name);
      deps.detachers.get(name)?.();
      deps.detachers.delete(name);
      await docs.unload(name);
    }
  };
  return {
    /** Threads the app has read (their current pages stay subscribed). */
    opened,
    /** Threads deleted (local copies dropped). */
    deleted,
    /** Threads this user was removed from (participantsRemoved already reported). */
    selfRemoved,
    wantPages,
    watchHead,
    threadDeleted,
    onThreadRecord,
    onHeadMeta,
    sweepPages,
    pageUsed: (name: string): void => {
      pageUse.set(name, Date.now());
    },
  };
};

export type ThreadLifecycle = ReturnType<typeof createThreadLifecycle>;
