import { headDocName } from '@parley/model';
import { MessageType, type Frame } from '@parley/protocol';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';

/** The awareness state a client sets on a head doc (the relay adds `user: {id, name}`). */
export interface PresenceState {
  typing?: { at: number; displayName?: string };
  read?: { messageId: string; seq: number; at: number };
  user?: { id: string; name?: string };
}

export interface PresenceOptions {
  readonly send: (frame: Frame) => boolean;
  /** ACS's client-side typing throttle (default 8000 ms). */
  readonly typingIntervalMs?: number;
  readonly onTyping: (threadId: string, from: { id: string; name: string }, at: number) => void;
  readonly onRead: (
    threadId: string,
    from: { id: string; name: string },
    read: NonNullable<PresenceState['read']>,
  ) => void;
  readonly now?: () => number;
}

const REMOTE = 'relay';

/**
 * Typing indicators and live read receipts over y-protocols awareness on each thread's head doc
 * (DESIGN.md §5). One Awareness per thread, on a private Y.Doc so that its client id does not
 * change when the head doc is reset.
 *
 * @example
 * const presence = createPresence({ send: conn.send, onTyping, onRead });
 * presence.sendTyping(threadId, 'Alice'); // true, then false for 8 s
 */
export const createPresence = (options: PresenceOptions) => {
  const now = options.now ?? Date.now;
  const interval = options.typingIntervalMs ?? 8000;
  const threads = new Map<
    string,
    { awareness: Awareness; lastTyping: number; seen: Map<number, PresenceState> }
  >();
  const live = new Map<string, Map<string, { messageId: string; seq: number; at: number }>>();

  const get = (threadId: string) => {
    let t = threads.get(threadId);
    if (t) return t;
    const awareness = new Awareness(new Y.Doc());
    awareness.setLocalState(null);
    t = { awareness, lastTyping: Number.NEGATIVE_INFINITY, seen: new Map() };
    const entry = t;
    threads.set(threadId, t);
    awareness.on('update', ({ added, updated }: { added: number[]; updated: number[] }, origin: unknown) => {
      if (origin === REMOTE) return;
      if (![...added, ...updated].includes(awareness.clientID)) return;
      sendOwn(threadId, awareness);
    });
    awareness.on('change', ({ added, updated }: { added: number[]; updated: number[] }, origin: unknown) => {
      if (origin !== REMOTE) return;
      for (const clientId of [...added, ...updated]) {
        if (clientId === awareness.clientID) continue;
        const state = awareness.getStates().get(clientId) as PresenceState | undefined;
        const before = entry.seen.get(clientId);
        if (!state?.user?.id) continue;
        entry.seen.set(clientId, state);
        const from = { id: state.user.id, name: state.user.name ?? '' };
        if (state.typing && state.typing.at !== before?.typing?.at)
          options.onTyping(threadId, from, state.typing.at);
        if (state.read && state.read.messageId !== before?.read?.messageId) {
          let m = live.get(threadId);
          if (!m) live.set(threadId, (m = new Map()));
          const prev = m.get(from.id);
          if (!prev || state.read.seq >= prev.seq) m.set(from.id, { ...state.read });
          options.onRead(threadId, from, state.read);
        }
      }
    });
    return t;
  };

  const sendOwn = (threadId: string, awareness: Awareness): boolean => {
    if (awareness.getLocalState() === null) return false;
    return options.send({
      docName: headDocName(threadId),
      type: MessageType.Awareness,
      payload: encodeAwarenessUpdate(awareness, [awareness.clientID]),
    });
  };

  const setOwn = (threadId: string, patch: Partial<PresenceState>): boolean => {
    const { awareness } = get(threadId);
    const state = { ...((awareness.getLocalState() as PresenceState | null) ?? {}), ...patch };
    awareness.setLocalState(state);
    return true;
  };

  return {
    /** ACS semantics: false within the minimum interval of the last sent notification, or offline. */
    sendTyping(threadId: string, displayName: string | undefined, online: boolean): boolean {
      const t = get(threadId);
      const at = now();
      if (at - t.lastTyping < interval || !online) return false;
      t.lastTyping = at;
      setOwn(threadId, { typing: displayName !== undefined ? { at, displayName } : { at } });
      return true;
    },
    /** Sending a message resets the typing clock (as ACS does). */
    resetTypingClock(threadId: string): void {
      const t = threads.get(threadId);
      if (t) t.lastTyping = Number.NEGATIVE_INFINITY;
    },
    sendRead(threadId: string, read: { messageId: string; seq: number }, ownId: string): void {
      const at = now();
      setOwn(threadId, { read: { ...read, at } });
      let m = live.get(threadId);
      if (!m) live.set(threadId, (m = new Map()));
      const prev = m.get(ownId);
      if (!prev || read.seq >= prev.seq) m.set(ownId, { ...read, at });
    },
    /** Applies an awareness frame from the relay. */
    handle(threadId: string, payload: Uint8Array): void {
      applyAwarenessUpdate(get(threadId).awareness, payload, REMOTE);
    },
    /** After (re)subscribing to a head doc: announce the own state again. */
    resend(threadId: string): void {
      const t = threads.get(threadId);
      if (t) sendOwn(threadId, t.awareness);
    },
    /** Live read positions seen over awareness, by user id. */
    liveReceipts(threadId: string): ReadonlyMap<string, { messageId: string; seq: number; at: number }> {
      return live.get(threadId) ?? new Map();
    },
    forget(threadId: string): void {
      const t = threads.get(threadId);
      if (!t) return;
      t.awareness.destroy();
      threads.delete(threadId);
      live.delete(threadId);
    },
    close(): void {
      for (const t of threads.values()) t.awareness.destroy();
      threads.clear();
      live.clear();
    },
  };
};

export type Presence = ReturnType<typeof createPresence>;
