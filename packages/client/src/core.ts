import {
  headDocName,
  type OpEnvelope,
  type OpPayload,
  type OpResult,
  pageDocName,
  parseDocName,
  randomId,
  opsMap,
  readMessage,
  resultsMap,
  readMessages,
  readMeta,
  readUserThreads,
  threadsMap,
  userDocName,
} from '@parley/model';
import { MessageType, ParleyError } from '@parley/protocol';
import type * as Y from 'yjs';
import { type Connection, createConnection, jwtSubject, type WebSocketConstructor } from './connection.ts';
import { createDocSync, type DocSync } from './docSync.ts';
import { createEmitter } from './emitter.ts';
import { createEventDiff, type EventDiff } from './eventDiff.ts';
import type { ChatEventMap } from './eventTypes.ts';
import { userKind } from './identifiers.ts';
import { knownThreadIds, type ViewSource } from './localView.ts';
import { indexOps } from './opIndex.ts';
import { heldPages, settledOps } from './opPruning.ts';
import { createOpWriter, type OpWriter } from './opQueue.ts';
import type { ChatClientOptions } from './options.ts';
import { createPresence, type Presence } from './presence.ts';
import { emitResultEvents } from './resultEvents.ts';
import { createThreadLifecycle, type ThreadLifecycle } from './threadLifecycle.ts';

const META_DEVICE = 'device';
const META_USER = 'userId';
const META_DISCARDED = 'discarded';
const META_SENT = 'sentLog';
/** Sends whose intent left the user doc that `status()` still answers for (this device, newest). */
const SENT_LOG_SIZE = 2_000;
const seenKey = (threadId: string) => `seen:${threadId}`;

/**
 * The engine behind ChatClient and ChatThreadClient: local docs, the relay connection, the intent
 * writer, presence and the event diff, and which docs to keep subscribed: the user doc, every
 * thread's head, and the pages of threads the app reads (all current pages while real-time
 * notifications are on).
 */
export const createCore = (options: ChatClientOptions) => {
  const { storage } = options;
  const emitter = createEmitter<ChatEventMap>();
  let userId = options.userId;
  let displayName = options.displayName;
  let deviceId = '';
  let realtime = false;
  let closed = false;
  let discarded = new Set<string>();
  const floors = new Map<string, number>();
  const seen = new Map<string, number>();
  const seenDirty = new Set<string>();
  const detachers = new Map<string, () => void>();
  const idlePageMs = options.idlePageMs ?? 60_000;
  let seenTimer: ReturnType<typeof setTimeout> | undefined;
  const pruneAfterMs = options.pruneSettledAfterMs ?? 5_000;
  const pruneUnheldAfterMs = options.pruneUnheldAfterMs ?? 10 * 60_000;
  /** When this client first saw each settled op of its own (for the grace periods). */
  const settledSeenAt = new Map<string, number>();
  /**
   * This device's accepted sends whose intent was pruned: message id → thread and seq, oldest
   * first, kept in local storage only (the synced user doc no longer has them).
   */
  let sentLog = new Map<string, { threadId: string; seq: number }>();
  let pruneTimer: ReturnType<typeof setTimeout> | undefined;
  let resolveUser: ((id: string) => void) | undefined;
  const userKnown = new Promise<string>((resolve) => {
    resolveUser = resolve;
  });
  if (userId) resolveUser?.(userId);

  const WS = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!WS) throw new Error('createChatClient: no WebSocket in this environment; pass the `WebSocket` option');

  const connection: Connection = createConnection({
    url: options.url,
    token: options.token,
    WebSocket: WS,
    ...(options.minBackoffMs !== undefined ? { minBackoffMs: options.minBackoffMs } : {}),
    ...(options.maxBackoffMs !== undefined ? { maxBackoffMs: options.maxBackoffMs } : {}),
    onOpen: (auth) => {
      if (!userId) {
        userId = auth.userId;
        resolveUser?.(auth.userId);
      } else if (userId !== auth.userId) {
        console.error(
          `parley client: the relay authenticated ${auth.userId}, but this store belongs to ${userId}`,
        );
      }
      void storage.setMeta(META_USER, userId).catch(() => undefined);
      displayName ??= auth.displayName;
      if (!docs || !docsReady) return;
      docs.connected();
      emitter.emit('realTimeNotificationConnected', undefined);
    },
    onSocketOpen: (sendEarly) => {
      // Known docs are subscribed behind the Auth frame (not on the very first connection, while
      // the user and the docs are still loading).
      if (docs && docsReady) docs.subscribeEarly(sendEarly);
    },
    onClose: () => {
      docs?.disconnected();
      emitter.emit('realTimeNotificationDisconnected', undefined);
    },
    onFrame: (frame) => {
      if (!docs) return;
      const ref = parseDocName(frame.docName);
      if (frame.type === MessageType.Awareness && ref?.kind === 'head')
        presence.handle(ref.threadId, frame.payload);
      else docs.handleFrame(frame);
    },
  });

  const presence: Presence = createPresence({
    send: (frame) => connection.send(frame),
    ...(options.typingIntervalMs !== undefined ? { typingIntervalMs: options.typingIntervalMs } : {}),
    onTyping: (threadId, from, at) => {
      if (from.id === userId) return;
      emitter.emit('typingIndicatorReceived', {
        threadId,
        sender: userKind(from.id),
        senderDisplayName: from.name,
        recipient: userKind(userId ?? ''),
        version: String(at),
        receivedOn: new Date(at),
      });
    },
    onRead: (threadId, from, read) => diff?.receipt(threadId, from.id, read.messageId, new Date(read.at)),
  });

  let docs: DocSync | undefined;
  let docsReady = false;
  let diff: EventDiff | undefined;
  let writer: OpWriter | undefined;

  const userDoc = (): Y.Doc => {
    const doc = docs?.get(userDocName(userId ?? ''));
    if (!doc) throw new Error('user doc not loaded');
    return doc;
  };

  const noteSeen = (threadId: string, seq: number): void => {
    if ((seen.get(threadId) ?? 0) >= seq) return;
    seen.set(threadId, seq);
    seenDirty.add(threadId);
    if (seenTimer) return;
    seenTimer = setTimeout(() => void flushSeen(), 500);
    (seenTimer as { unref?: () => void }).unref?.();
  };
  const flushSeen = async (): Promise<void> => {
    seenTimer = undefined;
    const dirty = [...seenDirty];
    seenDirty.clear();
    await Promise.all(
      dirty.map((t) => storage.setMeta(seenKey(t), String(seen.get(t) ?? 0)).catch(() => undefined)),
    );
  };

  const lifecycle: ThreadLifecycle = createThreadLifecycle({
    docs: () => docs,
    userDoc,
    storage,
    emitter,
    presence,
    diff: () => diff,
    detachers,
    me: () => ({ id: userId ?? '', displayName: displayName ?? '' }),
    realtime: () => realtime,
    floor: (t) => floors.get(t) ?? 0,
    seenKey,
    idlePageMs,
  });
  const { opened, deleted, selfRemoved } = lifecycle;
  const onResult = (opId: string, envelope: OpEnvelope | undefined, result: OpResult): void => {
    emitResultEvents(emitter, opId, envelope, result);
    if (envelope?.device === deviceId) schedulePrune(pruneAfterMs);
  };

  /** Deletes this device's settled intents from the user doc (see `settledOps`). */
  const pruneSettled = async (): Promise<void> => {
    if (closed || !docs || !docsReady) return;
    const doc = userDoc();
    const ids = settledOps(doc, {
      deviceId,
      discarded,
      held: () => docs?.names() ?? [],
      doc: (name) => docs?.get(name),
      seenAt: settledSeenAt,
      now: Date.now(),
      graceMs: pruneAfterMs,
      unheldGraceMs: pruneUnheldAfterMs,
    });
    if (ids.length > 0) {
      let logged = false;
      for (const id of ids) {
        const env = opsMap(doc).get(id);
        const result = resultsMap(doc).get(id);
        if (env?.op.type !== 'sendMessage' || result?.status !== 'accepted' || result.seq === undefined)
          continue;
        sentLog.delete(env.op.messageId);
        sentLog.set(env.op.messageId, { threadId: env.op.threadId, seq: result.seq });
        logged = true;
      }
      if (logged) {
        for (const key of sentLog.keys()) {
          if (sentLog.size <= SENT_LOG_SIZE) break;
          sentLog.delete(key);
        }
        // Stored before the intents go, so a crash in between loses nothing `status()` answered.
        await storage
          .setMeta(META_SENT, JSON.stringify([...sentLog].map(([m, s]) => [m, s.threadId, s.seq])))
          .catch(() => undefined);
      }
      doc.transact(() => {
        for (const id of ids) opsMap(doc).delete(id);
      });
      for (const id of ids) settledSeenAt.delete(id);
      if (ids.some((id) => discarded.delete(id)))
        await storage.setMeta(META_DISCARDED, JSON.stringify([...discarded])).catch(() => undefined);
    }
    // Results seen just now wait out the grace period; the longer waits are the sweep's.
    const now = Date.now();
    let soonest = Number.POSITIVE_INFINITY;
    for (const at of settledSeenAt.values()) if (now - at < pruneAfterMs) soonest = Math.min(soonest, at);
    if (soonest !== Number.POSITIVE_INFINITY) schedulePrune(soonest + pruneAfterMs - now);
  };
  const schedulePrune = (delayMs: number): void => {
    if (pruneTimer || closed) return;
    pruneTimer = setTimeout(() => {
      pruneTimer = undefined;
      void pruneSettled().catch(() => undefined);
    }, delayMs + 10);
    (pruneTimer as { unref?: () => void }).unref?.();
  };

  const attachDoc = (name: string, doc: Y.Doc): void => {
    if (!diff) return;
    const ref = parseDocName(name);
    if (!ref) return;
    detachers.get(name)?.();
    if (ref.kind === 'user') detachers.set(name, diff.attachUser(doc, onResult));
    else if (ref.kind === 'head') detachers.set(name, diff.attachHead(ref.threadId, doc));
    else detachers.set(name, diff.attachPage(ref.threadId, name, doc));
  };

  const sweepTimer = setInterval(
    () => {
      if (closed) return;
      void lifecycle.sweepPages();
      void pruneSettled().catch(() => undefined);
    },
    Math.max(50, Math.min(idlePageMs, 30_000) / 2),
  );
  (sweepTimer as { unref?: () => void }).unref?.();

  const ready = (async () => {
    deviceId = (await storage.getMeta(META_DEVICE)) ?? '';
    if (!deviceId) {
      deviceId = randomId(16);
      await storage.setMeta(META_DEVICE, deviceId);
    }
    discarded = new Set(JSON.parse((await storage.getMeta(META_DISCARDED)) ?? '[]') as string[]);
    const sent = JSON.parse((await storage.getMeta(META_SENT)) ?? '[]') as [string, string, number][];
    sentLog = new Map(sent.map(([m, threadId, seq]) => [m, { threadId, seq }]));
    userId ??= await storage.getMeta(META_USER);
    if (userId) resolveUser?.(userId);
    else {
      // Never online with this store: a JWT's subject lets intents be recorded before the relay
      // confirms the identity (onOpen checks that they agree).
      const guess = (t: string) => {
        const sub = jwtSubject(t);
        if (sub && !userId) {
          userId = sub;
          resolveUser?.(sub);
        }
      };
      if (typeof options.token === 'string') guess(options.token);
      else options.token().then(guess, () => undefined);
    }
    if (options.autoConnect !== false) connection.start();
    const me = await userKnown;
    if (closed) return;
    const userName = userDocName(me);
    diff = createEventDiff({
      userId: me,
      emitter,
      floor: (t) => floors.get(t) ?? 0,
      noteSeen,
      onThreadRecord: lifecycle.onThreadRecord,
      onHeadMeta: lifecycle.onHeadMeta,
      findTopicUpdate: (threadId, topic) => {
        const head = docs?.get(headDocName(threadId));
        const meta = head ? readMeta(head) : undefined;
        const page = meta ? docs?.get(pageDocName(threadId, meta.currentPage)) : undefined;
        if (!page) return undefined;
        return readMessages(page)
          .reverse()
          .find((m) => m.type === 'topicUpdated' && m.system?.topic === topic);
      },
    });
    docs = createDocSync({
      storage,
      send: (frame) => connection.send(frame),
      writable: (name) => name === userName,
      hooks: {
        docOpened: (name, doc) => attachDoc(name, doc),
        stateChanged: (name, state) => {
          const ref = parseDocName(name);
          emitter.emit('syncStateChanged', {
            docName: name,
            ...(ref && ref.kind !== 'user' ? { threadId: ref.threadId } : {}),
            state,
          });
        },
        ended: (name, code) => {
          const ref = parseDocName(name);
          if (!ref || ref.kind === 'user') return;
          if (code === 'THREAD_DELETED') void lifecycle.threadDeleted(ref.threadId, undefined);
        },
        granted: (name) => {
          const ref = parseDocName(name);
          if (ref?.kind === 'head') presence.resend(ref.threadId);
        },
      },
    });
    const user = await docs.want(userName);
    writer = createOpWriter({ deviceId, userDoc });
    for (const record of readUserThreads(user)) {
      if (record.deletedOn) {
        deleted.add(record.id);
        continue;
      }
      const head = await docs.open(headDocName(record.id));
      const stored = await storage.getMeta(seenKey(record.id));
      floors.set(record.id, stored ? Number(stored) : (readMeta(head)?.lastSeq ?? 0));
      if (!record.removedOn) await docs.want(headDocName(record.id));
      else selfRemoved.add(record.id);
    }
    docsReady = true;
    schedulePrune(0);
    if (connection.isOpen) {
      docs.connected();
      emitter.emit('realTimeNotificationConnected', undefined);
    }
  })();

  const view = (): ViewSource => ({
    userId: userId ?? '',
    userDoc: userDoc(),
    head: (t) => docs?.get(headDocName(t)),
    page: (t, p) => docs?.get(pageDocName(t, p)),
    ops: indexOps(userDoc(), discarded),
  });

  return {
    emitter,
    ready,
    presence,
    get userId(): string {
      return userId ?? '';
    },
    get displayName(): string | undefined {
      return displayName;
    },
    get online(): boolean {
      return connection.isOpen;
    },
    docs: (): DocSync => {
      if (!docs) throw new Error('client not ready');
      return docs;
    },
    view,
    /**
     * Where a message of this thread (or any) is known to have been sent, for the status of a send
     * whose settled intent has left the user doc: this device's log of pruned sends, or a page
     * held in memory.
     */
    sentMessage(messageId: string, threadId?: string): { threadId: string; seq: number } | undefined {
      const logged = sentLog.get(messageId);
      if (logged && (threadId === undefined || logged.threadId === threadId)) return logged;
      if (!docs) return undefined;
      for (const page of heldPages(docs.names(), docs.get, threadId)) {
        const m = readMessage(page.doc, messageId);
        if (m) return { threadId: page.threadId, seq: m.seq };
      }
      return undefined;
    },
    /** Records an intent; resolves once it is in local storage. */
    async write(op: OpPayload): Promise<OpEnvelope> {
      await ready;
      if (closed || !writer || !docs) throw new Error('ChatClient is closed');
      const env = writer.write(op);
      if (op.type === 'sendMessage' || op.type === 'editMessage' || op.type === 'deleteMessage')
        emitter.emit('messageStatusChanged', {
          threadId: op.threadId,
          messageId: op.messageId,
          opId: env.id,
          operation: op.type,
          status: 'pending',
        });
      await docs.flush();
      return env;
    },
    /** Loads a thread's head (from storage, subscribing when it is a listed membership). */
    async head(threadId: string): Promise<Y.Doc | undefined> {
      await ready;
      if (!docs || deleted.has(threadId)) return undefined;
      const record = threadsMap(userDoc()).get(threadId);
      if (record?.deletedOn) return undefined;
      const name = headDocName(threadId);
      if (!record && !knownThreadIds(view()).includes(threadId)) return undefined;
      const doc = record && !record.removedOn ? await docs.want(name) : await docs.open(name);
      await docs.whenSettled(name, 5000);
      return docs.get(name) ?? doc;
    },
    /**
     * For presence: waits (online, up to `timeoutMs`) until the relay lists the thread and its head
     * is synced; returns whether it is.
     */
    async headLive(threadId: string, timeoutMs = 5000): Promise<boolean> {
      await ready;
      const end = Date.now() + timeoutMs;
      // Still connecting (e.g. just started): typing is worth a short wait, as ACS's call is.
      while (!connection.isOpen && connection.isRunning && Date.now() < end)
        await new Promise((r) => setTimeout(r, 20));
      if (!docs || !connection.isOpen) return false;
      while (!threadsMap(userDoc()).get(threadId) && Date.now() < end && connection.isOpen) {
        const creating = indexOps(userDoc(), discarded)
          .forThread(threadId)
          .some((s) => s.envelope.op.type === 'createThread' && !s.result);
        if (!creating) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const record = threadsMap(userDoc()).get(threadId);
      if (!record || record.removedOn || record.deletedOn) return false;
      const name = headDocName(threadId);
      await docs.want(name);
      await docs.whenSettled(name, Math.max(0, end - Date.now()));
      return docs.state(name) === 'synced';
    },
    /** Loads (and, when allowed, syncs) one page of a thread; waits for the sync when online. */
    async page(threadId: string, page: number): Promise<void> {
      await ready;
      if (!docs || deleted.has(threadId)) return;
      const name = pageDocName(threadId, page);
      lifecycle.pageUsed(name);
      const record = threadsMap(userDoc()).get(threadId);
      if (record && !record.removedOn && !record.deletedOn) await docs.want(name);
      else await docs.open(name);
      await docs.whenSettled(name, 10_000);
    },
    /** The app reads this thread: keep its current pages subscribed. */
    openThread(threadId: string): void {
      if (opened.has(threadId)) return;
      opened.add(threadId);
      void ready.then(() => lifecycle.wantPages(threadId));
    },
    isDeleted: (threadId: string) => deleted.has(threadId),
    async startRealtime(): Promise<void> {
      realtime = true;
      connection.start();
      await ready;
      for (const t of knownThreadIds(view())) if (!deleted.has(t)) await lifecycle.watchHead(t, false);
    },
    stopRealtime(): void {
      realtime = false;
      emitter.removeAll();
    },
    get realtime(): boolean {
      return realtime;
    },
    /** Small per-store values (idempotency tokens, ...). */
    meta: {
      get: (key: string) => storage.getMeta(key),
      set: (key: string, value: string) => storage.setMeta(key, value),
    },
    async discard(opIds: readonly string[]): Promise<void> {
      await ready;
      for (const id of opIds) discarded.add(id);
      await storage.setMeta(META_DISCARDED, JSON.stringify([...discarded]));
      schedulePrune(0);
    },
    connect(): void {
      if (!closed) connection.start();
    },
    disconnect(): void {
      connection.stop();
    },
    /** Resolves when every intent of this user has a result (or rejects after `timeoutMs`). */
    async whenSettled(timeoutMs = 30_000): Promise<void> {
      await ready;
      const pending = () => indexOps(userDoc(), new Set()).all.some((s) => !s.result);
      if (!pending()) return;
      await new Promise<void>((resolve, reject) => {
        const doc = userDoc();
        const timer = setTimeout(() => {
          doc.off('update', check);
          reject(new ParleyError('UNAVAILABLE', 'Intents are still pending.'));
        }, timeoutMs);
        const check = () => {
          if (pending()) return;
          clearTimeout(timer);
          doc.off('update', check);
          resolve();
        };
        doc.on('update', check);
      });
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      clearInterval(sweepTimer);
      clearTimeout(pruneTimer);
      connection.stop();
      resolveUser?.('');
      await ready.catch(() => undefined);
      clearTimeout(seenTimer);
      await flushSeen();
      for (const d of detachers.values()) d();
      detachers.clear();
      presence.close();
      await docs?.close();
      emitter.removeAll();
      await storage.close();
    },
  };
};

export type Core = ReturnType<typeof createCore>;
