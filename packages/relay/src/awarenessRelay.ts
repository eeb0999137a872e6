import { headDocName } from '@parley/model';
import { MessageType } from '@parley/protocol';
import type { Actor } from './api.ts';
import { type AwarenessEntry, decodeAwarenessUpdate, encodeAwarenessUpdate } from './awarenessCodec.ts';
import { fanOutIntervalMs } from './fanOut.ts';
import type { SessionMetrics } from './sessionMetrics.ts';
import { TokenBucket } from './rateLimit.ts';

/** The session side the awareness relay needs. */
export interface AwarenessPeer {
  readonly id: string;
  readonly claims: Actor | undefined;
  /** Sends a y-protocols awareness update for `docName` in the peer's own framing. */
  sendAwareness(docName: string, update: Uint8Array): void;
  sendCode(
    type: typeof MessageType.Error,
    docName: string,
    code: 'AWARENESS_CLIENT_TAKEN' | 'RATE_LIMITED' | 'MALFORMED_FRAME',
    message?: string,
  ): void;
}

interface ClientState {
  clock: number;
  state: Record<string, unknown> | null;
  sessionId: string;
  userId: string;
  lastSeen: number;
}

/**
 * A thread's awareness: who receives it, and the states sent in it. Most subscribed threads never
 * see a state (an idle session), so `clients` and `dirty` are made with the first one: the two
 * empty collections were ~0.4 KB of the ~8.8 KB of heap an idle session held (bench W2).
 */
interface ThreadPresence {
  readonly threadId: string;
  clients: Map<number, ClientState> | undefined;
  readonly peers: Map<string, AwarenessPeer>;
  /** Entries changed since the last flush. */
  dirty: Set<number> | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export interface AwarenessRelayOptions {
  /** At most one batch per thread per window (ms). */
  readonly windowMs: number;
  /**
   * Socket writes a thread's awareness fan-out may cost per second: a batch goes to every
   * subscriber, so in a thread with more than `windowMs × this / 1000` subscribers the window
   * grows with them (250 ms and 600: 150 subscribers; 250 of them get a batch every ~420 ms).
   * Infinity: always `windowMs`.
   */
  readonly maxWritesPerSecond?: number;
  /** States not renewed for this long are dropped (y-protocols uses 30 s). */
  readonly expireMs: number;
  /** Awareness frames a session may send per second. */
  readonly perSessionPerSecond: number;
  /** Above this many members, presence is not relayed (ACS: 20). Infinity = always on. */
  readonly memberCutoff: number;
  readonly memberCount: (threadId: string) => number;
  /** A member's state says it read up to a message: record it durably (coalesced by the caller). */
  readonly onRead?: (actor: Actor, threadId: string, messageId: string) => void;
  /** A thread's batch is about to go out: the relay sends the head doc's held receipts with it. */
  readonly onFlush?: (threadId: string) => void;
  readonly metrics: SessionMetrics;
  readonly now: () => number;
}

/**
 * Typing indicators and live read receipts over y-protocols awareness on head docs (DESIGN §5).
 * Each awareness client id belongs to the first session that used it; the `user` field is
 * overwritten with the authenticated identity; fan-out is coalesced per thread and window, and
 * reaches only sessions subscribed to the head doc (current members).
 */
export class AwarenessRelay {
  readonly #o: AwarenessRelayOptions;
  readonly #threads = new Map<string, ThreadPresence>();
  readonly #owner = new Map<number, string>();
  readonly #limits = new Map<string, TokenBucket>();
  readonly #sweep: ReturnType<typeof setInterval>;

  constructor(options: AwarenessRelayOptions) {
    this.#o = options;
    this.#sweep = setInterval(() => this.#expire(), Math.max(1000, options.expireMs / 6));
    this.#sweep.unref?.();
  }

  /** Threads whose awareness is held: those with a subscriber or a state still to send. */
  get threads(): number {
    return this.#threads.size;
  }

  /** A subscribed session sent an awareness frame for the thread's head doc. */
  receive(
    peer: AwarenessPeer,
    sub: { readonly ref: { kind: string; threadId?: string } },
    payload: Uint8Array,
  ): void {
    const threadId = sub.ref.threadId!;
    const actor = peer.claims;
    if (!actor) return;
    this.#o.metrics.awarenessIn?.();
    let bucket = this.#limits.get(peer.id);
    if (!bucket) {
      bucket = new TokenBucket(this.#o.perSessionPerSecond * 2, this.#o.perSessionPerSecond, this.#o.now);
      this.#limits.set(peer.id, bucket);
    }
    if (!bucket.take()) return;
    const entries = decodeAwarenessUpdate(payload);
    if (!entries) {
      peer.sendCode(MessageType.Error, headDocName(threadId), 'MALFORMED_FRAME', 'Not an awareness update.');
      return;
    }
    const presence = this.#presence(threadId);
    presence.peers.set(peer.id, peer);
    presence.clients ??= new Map();
    presence.dirty ??= new Set();
    const now = this.#o.now();
    for (const e of entries) {
      const owner = this.#owner.get(e.clientId);
      if (owner !== undefined && owner !== peer.id) {
        peer.sendCode(
          MessageType.Error,
          headDocName(threadId),
          'AWARENESS_CLIENT_TAKEN',
          `Client id ${e.clientId} belongs to another session.`,
        );
        continue;
      }
      this.#owner.set(e.clientId, peer.id);
      const prev = presence.clients.get(e.clientId);
      if (prev && prev.clock >= e.clock && e.state !== null) continue;
      const state: Record<string, unknown> | null =
        e.state === null ? null : { ...e.state, user: { id: actor.userId, name: actor.displayName } };
      presence.clients.set(e.clientId, {
        clock: e.clock,
        state,
        sessionId: peer.id,
        userId: actor.userId,
        lastSeen: now,
      });
      presence.dirty?.add(e.clientId);
      const read = state?.read as { messageId?: unknown } | undefined;
      if (read && typeof read.messageId === 'string') this.#o.onRead?.(actor, threadId, read.messageId);
    }
    this.#schedule(presence);
  }

  /** Sends the thread's current states to a newly subscribed session. */
  sendAll(peer: AwarenessPeer, sub: { readonly ref: { kind: string; threadId?: string } }): void {
    const threadId = sub.ref.threadId!;
    const presence = this.#presence(threadId);
    presence.peers.set(peer.id, peer);
    if (!presence.clients) return;
    const entries = [...presence.clients.entries()]
      .filter(([, c]) => c.state !== null)
      .map(([clientId, c]) => ({ clientId, clock: c.clock, state: c.state }));
    if (entries.length > 0 && this.#enabled(threadId)) {
      peer.sendAwareness(headDocName(threadId), encodeAwarenessUpdate(entries));
    }
  }

  /** The session left the thread's head doc: its clients' states are removed for everyone. */
  leave(peer: AwarenessPeer, threadId: string): void {
    const presence = this.#threads.get(threadId);
    if (!presence) return;
    presence.peers.delete(peer.id);
    this.#limits.delete(peer.id);
    for (const [clientId, c] of presence.clients ?? []) {
      if (c.sessionId !== peer.id) continue;
      this.#owner.delete(clientId);
      c.state = null;
      c.clock++;
      presence.dirty?.add(clientId);
    }
    this.#schedule(presence);
    this.#forgetIfEmpty(presence);
  }

  /** A removed member: drop its states in the thread. */
  forgetUser(threadId: string, userId: string): void {
    const presence = this.#threads.get(threadId);
    if (!presence) return;
    for (const [clientId, c] of presence.clients ?? []) {
      if (c.userId !== userId || c.state === null) continue;
      c.state = null;
      c.clock++;
      presence.dirty?.add(clientId);
    }
    this.#schedule(presence);
  }

  /** Sends the thread's pending batch now, if one is waiting for its window (see `onFlush`). */
  flushNow(threadId: string): void {
    const p = this.#threads.get(threadId);
    if (!p?.timer) return;
    clearTimeout(p.timer);
    this.#flush(p);
  }

  dropThread(threadId: string): void {
    const presence = this.#threads.get(threadId);
    if (!presence) return;
    clearTimeout(presence.timer);
    this.#threads.delete(threadId);
  }

  close(): void {
    clearInterval(this.#sweep);
    for (const p of this.#threads.values()) clearTimeout(p.timer);
    this.#threads.clear();
  }

  #presence(threadId: string): ThreadPresence {
    let p = this.#threads.get(threadId);
    if (!p) {
      p = { threadId, clients: undefined, peers: new Map(), dirty: undefined, timer: undefined };
      this.#threads.set(threadId, p);
    }
    return p;
  }

  #enabled(threadId: string): boolean {
    return Number.isFinite(this.#o.memberCutoff)
      ? this.#o.memberCount(threadId) <= this.#o.memberCutoff
      : true;
  }

  #schedule(p: ThreadPresence): void {
    if (p.timer || !p.dirty?.size) return;
    const window = fanOutIntervalMs(this.#o.windowMs, p.peers.size, this.#o.maxWritesPerSecond);
    p.timer = setTimeout(() => this.#flush(p), window);
    p.timer.unref?.();
  }

  #flush(p: ThreadPresence): void {
    p.timer = undefined;
    const entries: AwarenessEntry[] = [];
    for (const clientId of p.dirty ?? []) {
      const c = p.clients?.get(clientId);
      if (!c) continue;
      entries.push({ clientId, clock: c.clock, state: c.state });
      if (c.state === null) p.clients?.delete(clientId);
    }
    p.dirty?.clear();
    if (entries.length > 0 && this.#enabled(p.threadId)) {
      this.#o.onFlush?.(p.threadId);
      const update = encodeAwarenessUpdate(entries);
      const docName = headDocName(p.threadId);
      let sent = 0;
      for (const peer of p.peers.values()) {
        peer.sendAwareness(docName, update);
        sent++;
      }
      this.#o.metrics.awarenessOut?.(sent);
    }
    // Also when nothing went out (a thread over the member cutoff).
    this.#forgetIfEmpty(p);
  }

  /**
   * Forgets a thread nobody receives and nothing is left to send for: it was kept until the
   * thread was deleted, one per thread ever subscribed on a long-running relay.
   */
  #forgetIfEmpty(p: ThreadPresence): void {
    if (p.peers.size === 0 && !p.timer && !p.dirty?.size && !p.clients?.size)
      this.#threads.delete(p.threadId);
  }

  #expire(): void {
    const cutoff = this.#o.now() - this.#o.expireMs;
    for (const p of this.#threads.values()) {
      for (const [clientId, c] of p.clients ?? []) {
        if (c.state !== null && c.lastSeen < cutoff) {
          c.state = null;
          c.clock++;
          p.dirty?.add(clientId);
          this.#owner.delete(clientId);
        }
      }
      this.#schedule(p);
    }
  }
}
