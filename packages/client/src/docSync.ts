import {
  decodeCode,
  decodeSubscription,
  type ErrorCode,
  encodeControl,
  type Frame,
  MessageType,
} from '@parley/protocol';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { ClientStorage } from './storage/clientStorage.ts';

/** Transaction origins: what the relay sent, and what was read back from local storage. */
export const REMOTE = Symbol('parley-remote');
export const LOADED = Symbol('parley-loaded');

export type DocState = 'local' | 'subscribing' | 'syncing' | 'synced' | 'denied' | 'revoked';

export interface DocSyncHooks {
  /** A doc was loaded from storage or replaced by a fresh one (after Reset); attach observers. */
  docOpened?(name: string, doc: Y.Doc, replaced: boolean): void;
  stateChanged?(name: string, state: DocState): void;
  /** The relay denied or revoked a subscription. */
  ended?(name: string, code: ErrorCode, message: string, how: 'denied' | 'revoked'): void;
  awareness?(name: string, payload: Uint8Array): void;
  /** A subscription was granted (after Subscribe on connect or reconnect). */
  granted?(name: string): void;
}

export interface DocSyncOptions {
  readonly storage: ClientStorage;
  /** Sends a frame if connected; false when offline. */
  readonly send: (frame: Frame) => boolean;
  readonly hooks: DocSyncHooks;
  /** Docs whose local changes are sent to the relay (only the own `user:` doc). */
  readonly writable: (name: string) => boolean;
  /** Stored updates of one doc that trigger compaction (default 200). */
  readonly compactAfter?: number;
}

interface Entry {
  doc: Y.Doc;
  state: DocState;
  wanted: boolean;
  appended: number;
  generation: number | undefined;
  waiters: Set<() => void>;
  detach: () => void;
}

const genKey = (name: string) => `gen:${name}`;

/**
 * The client's docs: loads each from storage, persists every change, subscribes over the relay
 * connection and runs the y-protocols sync exchange, and handles Revoke / Reset (DESIGN.md §4).
 *
 * @example
 * const docs = createDocSync({ storage, send: conn.send, hooks: {}, writable: (n) => n === userDoc });
 * const doc = await docs.open('thread:abc'); docs.want('thread:abc');
 */
export const createDocSync = (options: DocSyncOptions) => {
  const { storage, hooks } = options;
  const compactAfter = options.compactAfter ?? 200;
  const entries = new Map<string, Entry>();
  const loading = new Map<string, Promise<Y.Doc>>();
  let writes: Promise<void> = Promise.resolve();
  let connected = false;
  let closed = false;

  const enqueue = (fn: () => Promise<void>): void => {
    writes = writes.then(fn).catch((err) => {
      if (!closed) console.error('parley client: local storage write failed', err);
    });
  };

  const setState = (name: string, entry: Entry, state: DocState): void => {
    if (entry.state === state) return;
    entry.state = state;
    if (state !== 'subscribing' && state !== 'syncing') {
      for (const w of entry.waiters) w();
      entry.waiters.clear();
    }
    hooks.stateChanged?.(name, state);
  };

  const attach = (name: string, doc: Y.Doc): (() => void) => {
    const onUpdate = (update: Uint8Array, origin: unknown) => {
      if (origin === LOADED || closed) return;
      const entry = entries.get(name);
      if (!entry || entry.doc !== doc) return;
      entry.appended++;
      if (entry.appended >= compactAfter) {
        entry.appended = 0;
        enqueue(() => storage.replace(name, Y.encodeStateAsUpdate(doc)));
      } else {
        enqueue(() => storage.append(name, update));
      }
      if (
        origin !== REMOTE &&
        options.writable(name) &&
        (entry.state === 'syncing' || entry.state === 'synced')
      ) {
        const enc = encoding.createEncoder();
        syncProtocol.writeUpdate(enc, update);
        options.send({ docName: name, type: MessageType.Sync, payload: encoding.toUint8Array(enc) });
      }
    };
    doc.on('update', onUpdate);
    return () => doc.off('update', onUpdate);
  };

  /**
   * The Subscribe frame and, right behind it, sync step 1: the relay handles a session's frames in
   * order, so the step 2 answer follows the grant one round trip sooner than if step 1 waited for
   * the grant. When the subscription is refused or reset, the relay answers step 1 with a
   * NOT_SUBSCRIBED error, which is doc-scoped and ignored here.
   */
  const subscribeFrames = (name: string, entry: Entry): Frame[] => {
    const hasLocal = Y.encodeStateVector(entry.doc).length > 1;
    const payload = hasLocal && entry.generation !== undefined ? { generation: entry.generation } : {};
    const enc = encoding.createEncoder();
    syncProtocol.writeSyncStep1(enc, entry.doc);
    return [
      { docName: name, type: MessageType.Subscribe, payload: encodeControl(payload) },
      { docName: name, type: MessageType.Sync, payload: encoding.toUint8Array(enc) },
    ];
  };

  const subscribe = (name: string, entry: Entry): void => {
    if (!connected || !entry.wanted) return;
    const [sub, step1] = subscribeFrames(name, entry);
    if (!options.send(sub!)) return;
    setState(name, entry, 'subscribing');
    options.send(step1!);
  };

  /** Docs subscribed behind the Auth frame of the socket being opened (see `subscribeEarly`). */
  let early = new Set<string>();

  const open = (name: string): Promise<Y.Doc> => {
    const existing = entries.get(name);
    if (existing) return Promise.resolve(existing.doc);
    const inflight = loading.get(name);
    if (inflight) return inflight;
    const p = (async () => {
      const [updates, gen] = await Promise.all([storage.load(name), storage.getMeta(genKey(name))]);
      const again = entries.get(name);
      if (again) return again.doc;
      const doc = new Y.Doc({ gc: true });
      doc.transact(() => {
        for (const u of updates) Y.applyUpdate(doc, u, LOADED);
      }, LOADED);
      if (updates.length > compactAfter / 4) enqueue(() => storage.replace(name, Y.encodeStateAsUpdate(doc)));
      const entry: Entry = {
        doc,
        state: 'local',
        wanted: false,
        appended: 0,
        generation: gen ? Number(gen) : undefined,
        waiters: new Set(),
        detach: () => {},
      };
      entry.detach = attach(name, doc);
      entries.set(name, entry);
      loading.delete(name);
      hooks.docOpened?.(name, doc, false);
      return doc;
    })();
    loading.set(name, p);
    return p;
  };

  /** Replaces a doc with an empty one and forgets its stored state. */
  const dropLocal = (name: string, entry: Entry): void => {
    entry.detach();
    entry.doc.destroy();
    entry.doc = new Y.Doc({ gc: true });
    entry.detach = attach(name, entry.doc);
    entry.appended = 0;
    entry.generation = undefined;
    enqueue(async () => {
      await storage.delete(name);
      await storage.setMeta(genKey(name), undefined);
    });
    hooks.docOpened?.(name, entry.doc, true);
  };

  const onSubscription = (name: string, entry: Entry, payload: Uint8Array): void => {
    const sub = decodeSubscription(payload);
    if (sub.status === 'denied') {
      entry.wanted = false;
      setState(name, entry, 'denied');
      hooks.ended?.(name, sub.code, sub.message, 'denied');
      return;
    }
    if (!entry.wanted) {
      // Released while its Subscribe (sent behind the Auth frame) was on its way: undo it.
      if (connected)
        options.send({ docName: name, type: MessageType.Unsubscribe, payload: new Uint8Array() });
      return;
    }
    if (sub.generation !== undefined && sub.generation !== entry.generation) {
      entry.generation = sub.generation;
      const value = String(sub.generation);
      enqueue(() => storage.setMeta(genKey(name), value));
    }
    setState(name, entry, 'syncing');
    hooks.granted?.(name);
  };

  const onSync = (name: string, entry: Entry, payload: Uint8Array): void => {
    const decoder = decoding.createDecoder(payload);
    const encoder = encoding.createEncoder();
    const kind = syncProtocol.readSyncMessage(decoder, encoder, entry.doc, REMOTE);
    if (encoding.length(encoder) > 0)
      options.send({ docName: name, type: MessageType.Sync, payload: encoding.toUint8Array(encoder) });
    if (kind === syncProtocol.messageYjsSyncStep2 && entry.state === 'syncing')
      setState(name, entry, 'synced');
  };

  const handleFrame = (frame: Frame): void => {
    const entry = entries.get(frame.docName);
    if (!entry) return;
    const name = frame.docName;
    try {
      switch (frame.type) {
        case MessageType.Subscription:
          onSubscription(name, entry, frame.payload);
          break;
        case MessageType.Sync:
          if (entry.state === 'syncing' || entry.state === 'synced') onSync(name, entry, frame.payload);
          break;
        case MessageType.Awareness:
          hooks.awareness?.(name, frame.payload);
          break;
        case MessageType.Revoke: {
          const { code, message } = decodeCode(frame.payload);
          entry.wanted = false;
          setState(name, entry, 'revoked');
          hooks.ended?.(name, code, message, 'revoked');
          break;
        }
        case MessageType.Reset: {
          dropLocal(name, entry);
          setState(name, entry, 'local');
          subscribe(name, entry);
          break;
        }
        default:
          break;
      }
    } catch (err) {
      console.error(`parley client: bad ${frame.type} frame for ${name}`, err);
    }
  };

  return {
    open,
    /** The loaded doc, if `open` finished for it. */
    get: (name: string): Y.Doc | undefined => entries.get(name)?.doc,
    state: (name: string): DocState | undefined => entries.get(name)?.state,
    names: (): string[] => [...entries.keys()],
    /** Keeps the doc subscribed (now and after every reconnect). */
    async want(name: string): Promise<Y.Doc> {
      const doc = await open(name);
      const entry = entries.get(name);
      if (entry && !entry.wanted && !closed) {
        entry.wanted = true;
        if (entry.state === 'local' || entry.state === 'denied' || entry.state === 'revoked') {
          entry.state = 'local';
          subscribe(name, entry);
        }
      }
      return doc;
    },
    /** Stops wanting a doc (and unsubscribes); the local copy stays. */
    release(name: string): void {
      const entry = entries.get(name);
      if (!entry?.wanted) return;
      entry.wanted = false;
      if (connected && entry.state !== 'denied' && entry.state !== 'revoked')
        options.send({ docName: name, type: MessageType.Unsubscribe, payload: new Uint8Array() });
      if (entry.state !== 'denied' && entry.state !== 'revoked') setState(name, entry, 'local');
    },
    isWanted: (name: string): boolean => entries.get(name)?.wanted ?? false,
    /** Unloads a doc from memory (unsubscribing it); its stored state stays for the next `open`. */
    async unload(name: string): Promise<void> {
      const entry = entries.get(name);
      if (!entry) return;
      if (entry.wanted && connected && entry.state !== 'denied' && entry.state !== 'revoked')
        options.send({ docName: name, type: MessageType.Unsubscribe, payload: new Uint8Array() });
      entries.delete(name);
      for (const w of entry.waiters) w();
      // Let queued writes of this doc reach storage before the doc goes.
      await writes;
      entry.detach();
      entry.doc.destroy();
    },
    /** Drops a doc entirely: unsubscribes, destroys it and deletes its stored state. */
    async remove(name: string): Promise<void> {
      const pending = loading.get(name);
      if (pending) await pending;
      const entry = entries.get(name);
      if (entry) {
        if (entry.wanted && connected)
          options.send({ docName: name, type: MessageType.Unsubscribe, payload: new Uint8Array() });
        entry.detach();
        entry.doc.destroy();
        entries.delete(name);
        for (const w of entry.waiters) w();
      }
      enqueue(async () => {
        await storage.delete(name);
        await storage.setMeta(genKey(name), undefined);
      });
    },
    /** Resolves when the doc is synced, denied or revoked, offline, or after `timeoutMs`. */
    whenSettled(name: string, timeoutMs = 10_000): Promise<void> {
      const entry = entries.get(name);
      if (!entry || !connected || (entry.state !== 'subscribing' && entry.state !== 'syncing'))
        return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          entry.waiters.delete(done);
          resolve();
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        entry.waiters.add(done);
      });
    },
    handleFrame,
    /**
     * A socket opened and sent its Auth frame: wanted docs are subscribed right behind it while
     * `sendEarly` takes them, one round trip sooner than after the AuthResult. `connected`
     * subscribes the rest.
     */
    subscribeEarly(sendEarly: (frames: readonly Frame[]) => boolean): void {
      early = new Set();
      for (const [name, entry] of entries) {
        if (!entry.wanted) continue;
        if (!sendEarly(subscribeFrames(name, entry))) break;
        early.add(name);
        setState(name, entry, 'subscribing');
      }
    },
    /** The connection authenticated: subscribe every wanted doc not subscribed early. */
    connected(): void {
      connected = true;
      const sent = early;
      early = new Set();
      for (const [name, entry] of entries) {
        if (entry.wanted && !sent.has(name)) {
          entry.state = 'local';
          subscribe(name, entry);
        }
      }
    },
    /** The connection was lost: every subscription is gone. */
    disconnected(): void {
      connected = false;
      early = new Set();
      for (const [name, entry] of entries) {
        if (entry.state === 'subscribing' || entry.state === 'syncing' || entry.state === 'synced')
          setState(name, entry, 'local');
      }
    },
    get isConnected() {
      return connected;
    },
    /** Resolves when every change so far is in storage. */
    flush: async (): Promise<void> => {
      await Promise.all(loading.values());
      let last: Promise<void>;
      do {
        last = writes;
        await last;
      } while (last !== writes);
    },
    async close(): Promise<void> {
      await Promise.all([...loading.values()].map((p) => p.catch(() => undefined)));
      let last: Promise<void>;
      do {
        last = writes;
        await last;
      } while (last !== writes);
      closed = true;
      connected = false;
      for (const entry of entries.values()) {
        entry.detach();
        entry.doc.destroy();
        for (const w of entry.waiters) w();
      }
      entries.clear();
    },
  };
};

export type DocSync = ReturnType<typeof createDocSync>;
