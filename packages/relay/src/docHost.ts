import type { DocRef, RelayStore } from '@parley/model';
import { requireDocName } from '@parley/model';
import * as Y from 'yjs';
import { fanOutIntervalMs } from './fanOut.ts';
import { holdsPending } from './syncMessages.ts';

/** The `stateAsUpdate` cache key of an empty state vector (a new reader). */
const EMPTY_STATE_VECTOR = '\u0000';

/** Transaction origin for updates applied while loading from storage (never re-logged). */
const LOAD = Symbol('load');

/** Who receives a hosted doc's updates. The host calls `deliver` after the change is committed. */
export interface DocSubscriber {
  readonly sessionId: string;
  /** `update` is a V1 update of this doc, already committed. */
  deliver(doc: HostedDoc, update: Uint8Array): void;
}

/**
 * A doc the relay hosts: its subscribers and delivery state, and its Y.Doc while awake. An idle
 * doc sleeps (`DocHost.unloadIdle`): its Y.Doc is dropped, its subscribers stay, and the next
 * read of `doc` loads it again from storage. A relay with many connected but quiet members then
 * holds their sockets, not their docs.
 */
export class HostedDoc {
  readonly name: string;
  readonly ref: DocRef;
  readonly subscribers = new Set<DocSubscriber>();
  /** Updates logged since the snapshot, and the last log id (for compaction). */
  logCount = 0;
  lastLogId = 0;
  /** Stored bytes (snapshot plus logged updates): what waking the doc would read and apply. */
  storedBytes = 0;
  lastUsed: number;
  /** Committed-but-not-yet-delivered updates, with the session that caused each (not echoed to it). */
  pending: PendingUpdate[] = [];
  /** Committed updates whose delivery is paced (see `DocHostOptions.pace`), oldest first. */
  held: PendingUpdate[] = [];
  /** When the doc's updates were last delivered (`performance.now()`), for pacing. */
  deliveredAt = Number.NEGATIVE_INFINITY;
  /** Delivers `held`, while a paced delivery is scheduled. */
  heldTimer: ReturnType<typeof setTimeout> | undefined;
  /** When `heldTimer` fires (`performance.now()` time); meaningless without one. */
  heldDue = 0;
  /**
   * The relay's Yjs client id in this doc, kept across reloads: every new Y.Doc writing under a
   * fresh random id adds an entry to the doc's state vector for good, and a doc that sleeps
   * and wakes many times would carry one per wake.
   */
  clientID: number | undefined;
  #doc: Y.Doc | undefined;
  readonly #wake: (hosted: HostedDoc) => Y.Doc;

  constructor(name: string, now: number, wake: (hosted: HostedDoc) => Y.Doc) {
    this.name = name;
    this.ref = requireDocName(name);
    this.lastUsed = now;
    this.#wake = wake;
  }

  /** The Y.Doc, loaded from storage if the doc sleeps. Replaced when a failed unit is undone. */
  get doc(): Y.Doc {
    this.#doc ??= this.#wake(this);
    return this.#doc;
  }

  get awake(): boolean {
    return this.#doc !== undefined;
  }

  /** Drops the Y.Doc (DocHost only: after compaction, or to reload a rolled-back doc). */
  release(): void {
    this.#doc?.destroy();
    this.#doc = undefined;
  }
}

interface PendingUpdate {
  readonly update: Uint8Array;
  readonly origin: string | undefined;
  /** Made inside `DocHost.paced`: its delivery may wait for the doc's next paced delivery. */
  readonly paced: boolean;
}

/** Paced fan-out of changes that may arrive late (read receipts) to docs with many subscribers. */
export interface PaceOptions {
  /** At most one paced delivery per doc per this many ms. 0: off. */
  readonly ms: number;
  /** Docs with fewer subscribers than this are never paced (a small fan-out costs little). */
  readonly minSubscribers: number;
  /**
   * Socket writes a doc's paced deliveries may cost per second: with more than
   * `ms × this / 1000` subscribers the interval grows with them, as the awareness window does
   * (the relay gives both the same budget, so a head doc's receipts and its thread's presence go
   * out together). Default: no growth.
   */
  readonly writesPerSecond?: number;
  /**
   * Called when held updates of `hosted` are about to be delivered (their interval is over, or
   * `flushHeld` was called): the relay sends the thread's pending awareness batch in the same
   * turn, so that each member gets both in one socket write.
   */
  readonly onHeldDelivery?: (hosted: HostedDoc) => void;
}

/**
 * Fan-out of every change to docs with many subscribers while the relay is under load
 * (`flush(true)`): deliveries to such a doc are at most one per `1000 × subscribers /
 * writesPerSecond` ms, the first after a quiet spell at once, the rest held and then delivered
 * as they are (not merged), each subscriber's share in one socket write.
 */
export interface LoadPaceOptions {
  /** Docs with fewer subscribers than this are never held. */
  readonly minSubscribers: number;
  /**
   * The kinds of doc held (the relay: pages). Not heads: a head's held receipts take the thread's
   * awareness batch along when they go (`PaceOptions.onHeldDelivery`), so holding heads for 25 ms
   * sent presence 7.5 times a second to each of 250 members in bench W6 instead of 2.3.
   */
  readonly kinds: readonly DocRef['kind'][];
  /** Socket writes per second one doc's deliveries may cost while the relay is loaded. */
  readonly writesPerSecond: number;
}

export interface DocHostOptions {
  readonly store: RelayStore;
  readonly now: () => number;
  readonly compactAfterUpdates: number;
  /**
   * Subscribed docs sleep when idle only if they are stored in at most this many bytes: waking
   * one reads and applies them on the event loop (a user doc of 10,000 intents is 4 MB and takes
   * ~130 ms to load here), so large docs stay in memory while anyone subscribes. Default 128 KB.
   */
  readonly maxSleepBytes?: number;
  /** Default: off. */
  readonly pace?: PaceOptions;
  /** Default: off. */
  readonly loadPace?: LoadPaceOptions;
}

const DEFAULT_MAX_SLEEP_BYTES = 128 * 1024;

/**
 * Keeps loaded Y.Docs, logs every change to the store's update log (inside the caller's
 * transaction), and delivers committed changes to subscribers. The op processor and sessions are
 * the only callers that mutate docs, always inside `Committer.run`.
 */
export class DocHost {
  readonly #docs = new Map<string, HostedDoc>();
  readonly #dirty = new Set<HostedDoc>();
  readonly #opts: DocHostOptions;
  /** Docs changed since `beginTracking` → their pending length before the unit, so a failed unit
   * can be undone by reloading them from storage while keeping earlier units' pending updates. */
  #touched: Map<HostedDoc, number> | undefined;
  /** Each loaded Y.Doc's `update` listener (`applyFrom` sets it aside while it applies). */
  readonly #listeners = new WeakMap<Y.Doc, (update: Uint8Array, origin: unknown) => void>();
  /** Updates of the current batch, per doc, not yet in the update log (see `logBatch`). */
  readonly #batchUpdates = new Map<HostedDoc, Uint8Array[]>();
  /** For docs the current unit changed: how many of their batch updates earlier units made. */
  readonly #unitMarks = new Map<HostedDoc, number>();
  /** Sync answers per doc and state vector, valid until the doc changes (see `stateAsUpdate`). */
  readonly #states = new WeakMap<Y.Doc, Map<string, Uint8Array>>();
  /** Inside `paced`: updates made now are marked paced. */
  #pacing = false;

  constructor(options: DocHostOptions) {
    this.#opts = options;
  }

  get loaded(): ReadonlyMap<string, HostedDoc> {
    return this.#docs;
  }

  /** Returns the doc, loading it from storage if needed. */
  open(name: string): HostedDoc {
    const existing = this.#docs.get(name);
    if (existing) {
      existing.lastUsed = this.#opts.now();
      return existing;
    }
    const hosted = new HostedDoc(name, this.#opts.now(), (h) => this.#load(h));
    this.#docs.set(name, hosted);
    try {
      void hosted.doc;
    } catch (error) {
      this.#docs.delete(name);
      throw error;
    }
    return hosted;
  }

  /** A fresh Y.Doc of `hosted`, filled from storage, logging its changes from now on. */
  #load(hosted: HostedDoc): Y.Doc {
    const doc = new Y.Doc({ gc: true });
    hosted.lastUsed = this.#opts.now();
    this.#fill(hosted, doc);
    // After loading: applying stored updates that carry its own client id makes Yjs pick a new one.
    if (hosted.clientID === undefined) hosted.clientID = doc.clientID;
    else doc.clientID = hosted.clientID;
    // A HostedDoc read after it was unloaded (a session's reference outliving a purge) gets the
    // stored state, read-only: its changes would not be logged, as before it was unloaded.
    if (this.#docs.get(hosted.name) === hosted) this.#observe(hosted, doc);
    return doc;
  }

  // Its own function: a closure made here would keep the loaded snapshot and log alive as long as
  // the doc (V8 shares one context between the closures of a scope).
  #fill(hosted: HostedDoc, doc: Y.Doc): void {
    const { snapshot, updates } = this.#opts.store.docs.load(hosted.name);
    Y.transact(
      doc,
      () => {
        if (snapshot) Y.applyUpdate(doc, snapshot, LOAD);
        for (const u of updates) Y.applyUpdate(doc, u.update, LOAD);
      },
      LOAD,
    );
    // Log entries, not updates: an entry may hold several (`appendAll`).
    let entries = 0;
    for (let i = 0; i < updates.length; i++) if (i === 0 || updates[i]!.id !== updates[i - 1]!.id) entries++;
    hosted.logCount = entries;
    hosted.lastLogId = updates.at(-1)?.id ?? hosted.lastLogId;
    hosted.storedBytes = (snapshot?.length ?? 0) + updates.reduce((n, u) => n + u.update.length, 0);
    // A compacted doc's snapshot is its whole state: the first full sync answer costs no encoding.
    if (snapshot && updates.length === 0) this.#states.set(doc, new Map([[EMPTY_STATE_VECTOR, snapshot]]));
  }

  #observe(hosted: HostedDoc, doc: Y.Doc): void {
    const listener = (update: Uint8Array, origin: unknown) => {
      if (origin !== LOAD) this.#record(hosted, update, origin);
    };
    doc.on('update', listener);
    this.#listeners.set(doc, listener);
  }

  /** One change to a hosted doc: into the batch's log entry (or the log) and the pending deliveries. */
  #record(hosted: HostedDoc, update: Uint8Array, origin: unknown): void {
    hosted.lastUsed = this.#opts.now();
    this.#states.delete(hosted.doc);
    if (this.#touched) {
      // Inside a unit: log the batch's updates of each doc as one entry when it ends (logBatch).
      this.#markTouched(hosted);
      const buffered = this.#batchUpdates.get(hosted);
      if (buffered) buffered.push(update);
      else this.#batchUpdates.set(hosted, [update]);
    } else this.#append(hosted, [update]);
    hosted.pending.push({
      update,
      origin: typeof origin === 'string' ? origin : undefined,
      paced: this.#pacing,
    });
    this.#dirty.add(hosted);
  }

  /** Inside a unit: the unit changes `hosted` (a failure reloads it; see `reload`). */
  #markTouched(hosted: HostedDoc): void {
    if (!this.#touched || this.#touched.has(hosted)) return;
    this.#touched.set(hosted, hosted.pending.length);
    this.#unitMarks.set(hosted, this.#batchUpdates.get(hosted)?.length ?? 0);
  }

  /**
   * Applies an update that came from elsewhere (a client) and logs and delivers those same bytes.
   * Through the doc's `update` event Yjs would encode the change again — 4 % of the relay's busy
   * samples in bench W1, where every message arrives as a client's update. Only when Yjs holds
   * nothing pending before: an update that completes pending structs integrates more than its own
   * bytes, so that case (and one that throws) goes through the event as before.
   */
  applyFrom(hosted: HostedDoc, update: Uint8Array, origin: string): void {
    const doc = hosted.doc;
    // Touched before the change: the caller may still refuse what it did (`applyClientUpdate`
    // checks the doc's new state), and the unit's failure must then reload this doc.
    this.#markTouched(hosted);
    const listener = this.#listeners.get(doc);
    if (!listener || holdsPending(doc)) {
      Y.applyUpdate(doc, update, origin);
      return;
    }
    let changed = false;
    const watch = (tr: Y.Transaction) => {
      changed = tr.deleteSet.clients.size > 0;
      if (!changed)
        for (const [client, clock] of tr.afterState) if (tr.beforeState.get(client) !== clock) changed = true;
    };
    doc.off('update', listener);
    doc.on('afterTransaction', watch);
    try {
      Y.applyUpdate(doc, update, origin);
    } finally {
      doc.off('afterTransaction', watch);
      doc.on('update', listener);
    }
    // Left pending (a missing dependency): logged all the same, so that a restart keeps it.
    if (changed || holdsPending(doc)) this.#record(hosted, update, origin);
  }

  /**
   * Runs `change`, marking the updates it makes as ones whose delivery may be paced: to a doc with
   * at least `pace.minSubscribers` subscribers, changes made only of paced updates are delivered
   * at most once per `pace.ms`, merged (the first after a quiet spell at once). Read receipts use
   * it: in a 250-member thread each member's receipt otherwise costs 250 socket writes.
   */
  paced<T>(change: () => T): T {
    const outer = this.#pacing;
    this.#pacing = true;
    try {
      return change();
    } finally {
      this.#pacing = outer;
    }
  }

  peek(name: string): HostedDoc | undefined {
    return this.#docs.get(name);
  }

  /** Starts recording which docs the unit changes, for `reload` when it fails. */
  beginTracking(): void {
    this.#touched = new Map();
    this.#unitMarks.clear();
  }

  endTracking(): Map<HostedDoc, number> {
    const t = this.#touched ?? new Map<HostedDoc, number>();
    this.#touched = undefined;
    return t;
  }

  /**
   * Appends the batch's changes to the update log: one entry per changed doc holding the batch's
   * updates (`DocStore.appendAll`), inside the batch's transaction. A busy batch then costs one
   * insert per doc, not one per unit or Yjs transaction.
   */
  logBatch(): void {
    for (const [hosted, updates] of this.#batchUpdates) this.#log(hosted, updates);
    this.#batchUpdates.clear();
  }

  /** Forgets the batch's unlogged updates (its transaction failed; the docs are reloaded). */
  discardBatch(): void {
    this.#batchUpdates.clear();
    this.#unitMarks.clear();
  }

  #log(hosted: HostedDoc, updates: Uint8Array[]): void {
    if (updates.length === 0 || this.#docs.get(hosted.name) !== hosted) return; // dropped (thread deleted)
    // One log entry for the batch, its updates as they are: merging them (`Y.mergeUpdates`)
    // decoded and re-encoded every struct again, 12 % of the CPU per message in bench W1.
    this.#append(hosted, updates);
  }

  /** Appends updates to the doc's log as one entry and counts it (inside the caller's transaction). */
  #append(hosted: HostedDoc, updates: readonly Uint8Array[]): void {
    hosted.lastLogId = this.#opts.store.docs.appendAll(hosted.name, updates);
    hosted.logCount++;
    for (const update of updates) hosted.storedBytes += update.length;
  }

  /**
   * After a failed (rolled back) unit or batch: the in-memory docs hold changes storage does not,
   * so reload them from storage, in place: the HostedDoc stays, its Y.Doc is replaced. `docs` maps
   * each to how many of its pending deliveries to keep (earlier units'). For a unit inside a batch
   * (`withinBatch`), the earlier units' updates of those docs are logged first, so the reload
   * includes them.
   */
  reload(docs: Map<HostedDoc, number>, withinBatch = false): void {
    for (const [hosted, keepPending] of docs) {
      if (withinBatch) {
        const updates = this.#batchUpdates.get(hosted) ?? [];
        this.#batchUpdates.delete(hosted);
        this.#log(hosted, updates.slice(0, this.#unitMarks.get(hosted) ?? 0));
      }
      if (this.#docs.get(hosted.name) !== hosted) continue;
      // Same HostedDoc, new Y.Doc: sessions and subscribers keep their references.
      hosted.release();
      void hosted.doc;
      hosted.pending = hosted.pending.slice(0, keepPending);
      if (hosted.pending.length > 0) this.#dirty.add(hosted);
      else this.#dirty.delete(hosted);
    }
  }

  /**
   * `Y.encodeStateAsUpdate(hosted.doc, stateVector)`, encoded once per doc version and state
   * vector: when a busy thread opens a new page, every member subscribes at once with the same
   * (usually empty) state vector, and W1 at 250 members spent 14 % of the relay's CPU encoding
   * the same answer 250 times.
   */
  stateAsUpdate(hosted: HostedDoc, stateVector: Uint8Array): Uint8Array {
    hosted.lastUsed = this.#opts.now();
    if (stateVector.length > 64) return Y.encodeStateAsUpdate(hosted.doc, stateVector);
    const key = Buffer.from(stateVector).toString('latin1');
    let answers = this.#states.get(hosted.doc);
    const cached = answers?.get(key);
    if (cached) return cached;
    const update = Y.encodeStateAsUpdate(hosted.doc, stateVector);
    if (!answers) this.#states.set(hosted.doc, (answers = new Map()));
    if (answers.size < 8) answers.set(key, update);
    return update;
  }

  /**
   * Delivers committed updates (call only after the transaction that logged them committed).
   * `loaded`: the relay is under load, so deliveries to docs with many subscribers may be held
   * (`DocHostOptions.loadPace`).
   */
  flush(loaded = false): void {
    if (this.#dirty.size === 0) return;
    const dirty = [...this.#dirty];
    this.#dirty.clear();
    const now = performance.now();
    for (const hosted of dirty) {
      const pending = hosted.pending;
      hosted.pending = [];
      if (hosted.subscribers.size === 0) {
        this.#cancelHeld(hosted);
        continue;
      }
      const holdMs = this.#holdMs(hosted, pending, now, loaded);
      if (holdMs !== undefined) {
        hosted.held.push(...pending);
        // A message held under load must not wait for a receipt's longer pace interval.
        const due = Math.max(now, hosted.deliveredAt + holdMs);
        if (hosted.heldTimer === undefined || due < hosted.heldDue) {
          clearTimeout(hosted.heldTimer);
          hosted.heldTimer = setTimeout(() => this.flushHeld(hosted), due - now);
          hosted.heldDue = due;
        }
        continue;
      }
      // Held updates are older: they go first, in one delivery with these.
      const all = hosted.held.length > 0 ? [...hosted.held, ...pending] : pending;
      this.#cancelHeld(hosted);
      this.#deliver(hosted, all, now);
    }
  }

  /** Delivers the doc's held (paced) updates now: before a member loses access, and on the timer. */
  flushHeld(hosted: HostedDoc): void {
    const held = hosted.held;
    this.#cancelHeld(hosted);
    if (held.length === 0 || this.#docs.get(hosted.name) !== hosted) return;
    this.#opts.pace?.onHeldDelivery?.(hosted);
    this.#deliver(hosted, held, performance.now());
  }

  #paceMs(hosted: HostedDoc): number {
    const pace = this.#opts.pace;
    return pace ? fanOutIntervalMs(pace.ms, hosted.subscribers.size, pace.writesPerSecond) : 0;
  }

  /** How long after its last delivery `hosted` holds `pending`; undefined: deliver now. */
  #holdMs(
    hosted: HostedDoc,
    pending: readonly PendingUpdate[],
    now: number,
    loaded: boolean,
  ): number | undefined {
    // Something is held already, or the last delivery was less than `ms` ago.
    const waits = (ms: number) => hosted.held.length > 0 || now - hosted.deliveredAt < ms;
    const load = this.#opts.loadPace;
    if (
      loaded &&
      load &&
      hosted.subscribers.size >= load.minSubscribers &&
      load.kinds.includes(hosted.ref.kind)
    ) {
      const ms = fanOutIntervalMs(0, hosted.subscribers.size, load.writesPerSecond);
      if (waits(ms)) return ms;
    }
    const pace = this.#opts.pace;
    if (!pace || pace.ms <= 0 || hosted.subscribers.size < pace.minSubscribers) return undefined;
    if (!pending.every((p) => p.paced)) return undefined;
    const ms = this.#paceMs(hosted);
    return waits(ms) ? ms : undefined;
  }

  #cancelHeld(hosted: HostedDoc): void {
    clearTimeout(hosted.heldTimer);
    hosted.heldTimer = undefined;
    hosted.held = [];
  }

  #deliver(hosted: HostedDoc, pending: readonly PendingUpdate[], now: number): void {
    hosted.deliveredAt = now;
    // A held (paced) batch is delivered merged to everyone: it gathers many small changes over the
    // pace window (echoing an update to its author is harmless in Yjs). Otherwise each update goes
    // as it is, skipping its author: a session's frames of one turn leave as one socket write
    // anyway (its outbox), and subscribers with the same docs share those bytes (`sharedBatch`),
    // so merging cost a decode and re-encode of every message for a few bytes of headers.
    if (pending.every((p) => p.paced)) {
      const origin = pending.every((p) => p.origin === pending[0]!.origin) ? pending[0]!.origin : undefined;
      for (const update of merged(pending.map((p) => p.update)))
        for (const s of hosted.subscribers) if (s.sessionId !== origin) s.deliver(hosted, update);
    } else {
      for (const p of pending)
        for (const s of hosted.subscribers) if (s.sessionId !== p.origin) s.deliver(hosted, p.update);
    }
  }

  /** Folds the update log of `hosted` into a snapshot (own transaction). */
  compact(hosted: HostedDoc): void {
    if (hosted.logCount === 0) return;
    const snapshot = Y.encodeStateAsUpdate(hosted.doc);
    this.#opts.store.transaction(() =>
      this.#opts.store.docs.compact(hosted.name, snapshot, hosted.lastLogId),
    );
    hosted.logCount = 0;
    hosted.storedBytes = snapshot.length;
  }

  /** Compacts docs whose log grew past the threshold, within a time budget per call. */
  compactLarge(budgetMs = 20): void {
    const deadline = performance.now() + budgetMs;
    for (const hosted of this.#docs.values()) {
      if (performance.now() > deadline) break;
      if (hosted.logCount >= this.#opts.compactAfterUpdates && hosted.pending.length === 0)
        this.compact(hosted);
    }
  }

  /**
   * Docs idle for `idleMs` (nothing opened or changed them) leave memory, compacted first: those
   * without subscribers are unloaded, small subscribed ones sleep (their Y.Doc is dropped; the
   * next read loads it again; see `maxSleepBytes`). Returns how many left memory. An asleep doc
   * whose last subscriber has left since is forgotten too (not counted: its Y.Doc was gone).
   */
  unloadIdle(idleMs: number, budgetMs = 20, keep: (hosted: HostedDoc) => boolean = () => false): number {
    const cutoff = this.#opts.now() - idleMs;
    // Compaction is synchronous: spread a mass unload (everyone left at once) over several ticks
    // instead of stalling the event loop for all other sessions.
    const deadline = performance.now() + budgetMs;
    let n = 0;
    for (const hosted of [...this.#docs.values()]) {
      if (performance.now() > deadline) break;
      if (!hosted.awake) {
        // Kept only for its subscribers: without them it would stay hosted for good (a relay
        // held one per doc whose sessions all left while it slept). Its state is stored.
        if (hosted.subscribers.size === 0 && !keep(hosted)) this.unload(hosted);
        continue;
      }
      if (
        hosted.lastUsed > cutoff ||
        hosted.pending.length > 0 ||
        hosted.held.length > 0 ||
        this.#batchUpdates.has(hosted) ||
        keep(hosted)
      )
        continue;
      this.compact(hosted);
      if (hosted.subscribers.size === 0) this.unload(hosted);
      else if (hosted.storedBytes <= (this.#opts.maxSleepBytes ?? DEFAULT_MAX_SLEEP_BYTES)) hosted.release();
      else continue;
      n++;
    }
    return n;
  }

  unload(hosted: HostedDoc): void {
    if (this.#docs.get(hosted.name) !== hosted) return;
    // Held updates are committed: their subscribers get them before the doc goes (a purge).
    this.flushHeld(hosted);
    this.#docs.delete(hosted.name);
    this.#dirty.delete(hosted);
    hosted.release();
  }

  /** Forgets a doc (and its pages, for a head name) without saving: used after a purge. */
  drop(prefix: string): HostedDoc[] {
    const dropped: HostedDoc[] = [];
    for (const hosted of [...this.#docs.values()]) {
      if (hosted.name === prefix || hosted.name.startsWith(`${prefix}:`)) {
        this.unload(hosted);
        dropped.push(hosted);
      }
    }
    return dropped;
  }

  /** Compacts every loaded doc (shutdown). */
  compactAll(): void {
    for (const hosted of this.#docs.values()) if (hosted.awake) this.compact(hosted);
  }

  closeAll(): void {
    for (const hosted of [...this.#docs.values()]) this.unload(hosted);
  }
}

/**
 * `updates` as one merged update, or as they are when Yjs cannot merge them: a client's update
 * that `applyUpdate` accepted can still make `mergeUpdates` throw (fuzzing found varints it reads
 * differently), and it must not fail the other units of its batch.
 */
const merged = (updates: Uint8Array[]): Uint8Array[] => {
  if (updates.length <= 1) return updates;
  try {
    return [Y.mergeUpdates(updates)];
  } catch {
    return updates;
  }
};
