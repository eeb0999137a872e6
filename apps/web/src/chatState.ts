import type {
  ChatClient,
  ChatMessage,
  ChatMessageReadReceipt,
  ChatParticipant,
  ChatThreadProperties,
} from '@parley/client';
import { userIdOf } from '@parley/client';

/**
 * What the UI shows, read from the client's local docs after every change the client reports.
 * The client answers reads from IndexedDB, so all of this works offline.
 */

export type Connectivity = 'online' | 'connecting' | 'offline';

export interface ThreadSummary {
  readonly id: string;
  readonly topic: string;
  readonly lastActivity?: Date;
  readonly unread: number;
  readonly removed: boolean;
  readonly deleted: boolean;
}

export interface OpenThread {
  readonly id: string;
  readonly props?: ChatThreadProperties;
  /** Oldest first; this user's pending and failed messages last. */
  readonly messages: readonly ChatMessage[];
  readonly members: readonly ChatParticipant[];
  readonly receipts: readonly ChatMessageReadReceipt[];
  readonly removed: boolean;
  readonly deleted: boolean;
  /** Whether older messages exist beyond `messages`. */
  readonly hasOlder: boolean;
}

export interface Typist {
  readonly userId: string;
  readonly name: string;
  readonly until: number;
}

/** A thread operation the relay refused (message sends show their failure on the message). */
export interface RefusedIntent {
  readonly opId: string;
  readonly type: string;
  readonly threadId?: string;
  readonly reason: string;
}

export interface ChatStateSnapshot {
  readonly connectivity: Connectivity;
  /** The latest refused thread operation, until dismissed. */
  readonly refused?: RefusedIntent;
  readonly threads: readonly ThreadSummary[];
  readonly open?: OpenThread;
  /** Who is typing in the open thread now. */
  readonly typing: readonly Typist[];
}

export interface ChatStateOptions {
  readonly client: ChatClient;
  readonly userId: string;
  /** Whether the browser says it is online (`navigator.onLine`). */
  readonly browserOnline: () => boolean;
  /** Remembers threads this user was removed from (the thread list item does not say). */
  readonly removedStore?: Pick<Storage, 'getItem' | 'setItem'>;
  /** How long a typing indicator shows (default 8 s, ACS's interval). */
  readonly typingShowMs?: number;
}

const TYPING_SHOW_MS = 8000;
const MESSAGE_OPS = new Set(['sendMessage', 'editMessage', 'deleteMessage']);

/**
 * Keeps a snapshot of the chat for the UI and tells listeners when it changed.
 *
 * @example
 * const state = createChatState({ client, userId, browserOnline: () => navigator.onLine });
 * state.subscribe((s) => render(s));
 * state.openThread(threadId);
 */
export const createChatState = (options: ChatStateOptions) => {
  const { client, userId } = options;
  const typingShowMs = options.typingShowMs ?? TYPING_SHOW_MS;
  const removedKey = `parley.removed:${userId}`;
  const removedIds = new Set<string>(
    JSON.parse(options.removedStore?.getItem(removedKey) ?? '[]') as string[],
  );
  const rememberRemoved = (threadId: string, removed: boolean) => {
    if (removed === removedIds.has(threadId)) return;
    if (removed) removedIds.add(threadId);
    else removedIds.delete(threadId);
    options.removedStore?.setItem(removedKey, JSON.stringify([...removedIds]));
  };
  const typing = new Map<string, Map<string, Typist>>();
  /** When each (thread, user) last sent a message: a typing signal older than that is stale. */
  const lastSpoke = new Map<string, number>();
  const listeners = new Set<(s: ChatStateSnapshot) => void>();
  let openId: string | undefined;
  let limit = 100;
  let snapshot: ChatStateSnapshot = { connectivity: 'connecting', threads: [], typing: [] };
  let generation = 0;
  let applied = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;

  const connectivity = (): Connectivity =>
    !options.browserOnline() ? 'offline' : client.isConnected ? 'online' : 'connecting';

  const liveTypists = (): Typist[] => {
    const now = Date.now();
    const map = openId ? typing.get(openId) : undefined;
    return map ? [...map.values()].filter((t) => t.until > now) : [];
  };

  const emit = () => {
    for (const l of listeners) l(snapshot);
  };

  const readOpen = async (threadId: string): Promise<OpenThread> => {
    const thread = client.getChatThreadClient(threadId);
    let props: ChatThreadProperties | undefined;
    let deleted = false;
    try {
      props = await thread.getProperties();
      deleted = props.deletedOn !== undefined;
    } catch (err) {
      deleted = (err as { code?: string }).code === 'THREAD_DELETED';
    }
    const page = await thread.listMessages({ maxPageSize: limit }).byPage().next();
    const newestFirst = page.done ? [] : page.value;
    const members: ChatParticipant[] = [];
    for await (const p of thread.listParticipants()) members.push(p);
    const receipts: ChatMessageReadReceipt[] = [];
    for await (const r of thread.listReadReceipts()) receipts.push(r);
    // A head that no longer lists this user means removal; a head that still does proves nothing
    // (the client stops syncing the head at removal, maybe before the member change arrived).
    const listed = members.some((m) => userIdOf(m.id) === userId);
    if (props && members.length > 0 && !listed) rememberRemoved(threadId, true);
    return {
      id: threadId,
      ...(props ? { props } : {}),
      messages: [...newestFirst].reverse(),
      members,
      receipts,
      removed: removedIds.has(threadId),
      deleted,
      hasOlder: !page.done && page.value.continuationToken !== undefined,
    };
  };

  const read = async (): Promise<void> => {
    const mine = ++generation;
    const threads: ThreadSummary[] = [];
    for await (const t of client.listChatThreads()) {
      threads.push({
        id: t.id,
        topic: t.topic,
        ...(t.lastMessageReceivedOn ? { lastActivity: t.lastMessageReceivedOn } : {}),
        unread: t.unreadCount ?? 0,
        removed: removedIds.has(t.id),
        deleted: t.deletedOn !== undefined,
      });
    }
    const open = openId ? await readOpen(openId) : undefined;
    if (mine < applied) return;
    applied = mine;
    snapshot = {
      ...(snapshot.refused ? { refused: snapshot.refused } : {}),
      connectivity: connectivity(),
      threads: threads.filter((t) => !t.deleted),
      ...(open && open.id === openId ? { open } : {}),
      typing: liveTypists(),
    };
    emit();
  };

  /** Schedules a re-read soon (changes arrive in bursts; one read covers a burst). */
  const refresh = (delayMs = 30): void => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void read().catch((err: unknown) => console.error('parley-web: refresh failed', err));
    }, delayMs);
  };

  const touchTyping = () => {
    clearTimeout(typingTimer);
    const next = Math.min(...[...typing.values()].flatMap((m) => [...m.values()].map((t) => t.until)));
    if (Number.isFinite(next))
      typingTimer = setTimeout(
        () => {
          const now = Date.now();
          for (const m of typing.values()) for (const [k, t] of m) if (t.until <= now) m.delete(k);
          snapshot = { ...snapshot, typing: liveTypists() };
          emit();
          touchTyping();
        },
        Math.max(0, next - Date.now()) + 10,
      );
  };

  const stopTyping = (threadId: string, who: string) => {
    if (typing.get(threadId)?.delete(who)) {
      snapshot = { ...snapshot, typing: liveTypists() };
      emit();
    }
  };

  const start = async (): Promise<void> => {
    await client.startRealtimeNotifications();
    const any = () => refresh();
    for (const event of [
      'chatMessageEdited',
      'chatMessageDeleted',
      'readReceiptReceived',
      'chatThreadCreated',
      'chatThreadDeleted',
      'chatThreadPropertiesUpdated',
      'participantsAdded',
      'messageStatusChanged',
      'intentSettled',
      'syncStateChanged',
      'realTimeNotificationConnected',
      'realTimeNotificationDisconnected',
    ] as const)
      client.on(event, any);
    client.on('chatMessageReceived', (e) => {
      const who = userIdOf(e.sender);
      lastSpoke.set(`${e.threadId} ${who}`, e.createdOn.getTime());
      stopTyping(e.threadId, who);
      refresh();
    });
    client.on('participantsRemoved', (e) => {
      if (e.participantsRemoved.some((p) => userIdOf(p.id) === userId)) rememberRemoved(e.threadId, true);
      refresh();
    });
    client.on('participantsAdded', (e) => {
      if (e.participantsAdded.some((p) => userIdOf(p.id) === userId)) rememberRemoved(e.threadId, false);
    });
    client.on('intentSettled', (e) => {
      if (e.status !== 'rejected' || MESSAGE_OPS.has(e.type) || e.type === 'sendReadReceipt') return;
      snapshot = {
        ...snapshot,
        refused: {
          opId: e.opId,
          type: e.type,
          ...(e.threadId ? { threadId: e.threadId } : {}),
          reason: e.error?.message ?? 'refused by the relay',
        },
      };
      emit();
    });
    client.on('typingIndicatorReceived', (e) => {
      const who = userIdOf(e.sender);
      if (who === userId) return;
      if (e.receivedOn.getTime() <= (lastSpoke.get(`${e.threadId} ${who}`) ?? 0)) return;
      let m = typing.get(e.threadId);
      if (!m) typing.set(e.threadId, (m = new Map()));
      m.set(who, { userId: who, name: e.senderDisplayName || who, until: Date.now() + typingShowMs });
      snapshot = { ...snapshot, typing: liveTypists() };
      emit();
      touchTyping();
    });
    await read();
  };

  return {
    start,
    refresh,
    get snapshot(): ChatStateSnapshot {
      return snapshot;
    },
    subscribe(listener: (s: ChatStateSnapshot) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Shows a thread (undefined: none); the newest `limit` messages are read. */
    openThread(threadId: string | undefined): void {
      if (openId !== threadId) limit = 100;
      openId = threadId;
      snapshot = { ...snapshot, typing: liveTypists() };
      refresh(0);
    },
    get openThreadId(): string | undefined {
      return openId;
    },
    /** Reads 100 more older messages of the open thread. */
    showOlder(): void {
      limit += 100;
      refresh(0);
    },
    /** Hides the refused-operation notice. */
    dismissRefused(): void {
      const { refused: _gone, ...rest } = snapshot;
      snapshot = rest;
      emit();
    },
    /** The browser's online state changed. */
    connectivityChanged(): void {
      snapshot = { ...snapshot, connectivity: connectivity() };
      emit();
      refresh();
    },
    stop(): void {
      clearTimeout(timer);
      clearTimeout(typingTimer);
      listeners.clear();
    },
  };
};

export type ChatState = ReturnType<typeof createChatState>;
