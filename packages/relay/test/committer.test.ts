import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore, type SqliteRelayStore } from '@parley/store-sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Committer } from '../src/committer.ts';
import { DocHost, type HostedDoc } from '../src/docHost.ts';

const A = 'thread:committer-a';
const B = 'thread:committer-b';

let dir: string;
let store: SqliteRelayStore;
let host: DocHost;
let commits: number[];
let delivered: Map<string, Uint8Array[]>;

const setup = (windowMs: number, busyShare = 0, maxBatchMs?: number, busyUnits?: number) => {
  commits = [];
  const committer = new Committer(
    store,
    host,
    {
      onCommit: (units) => commits.push(units),
      onInternalError: () => undefined,
    },
    {
      windowMs,
      busyShare,
      ...(maxBatchMs !== undefined ? { maxBatchMs } : {}),
      ...(busyUnits !== undefined ? { busyUnits } : {}),
    },
  );
  return committer;
};

const subscribe = (name: string): HostedDoc => {
  const hosted = host.open(name);
  hosted.subscribers.add({
    sessionId: 'watcher',
    deliver: (_doc, update) => delivered.set(name, [...(delivered.get(name) ?? []), update]),
  });
  return hosted;
};

const set = (name: string, key: string, value: number) => () => {
  host.open(name).doc.getMap('m').set(key, value);
};

/** What storage holds for `name`, read by a fresh host. */
const stored = (name: string) => {
  const doc = new Y.Doc();
  const { snapshot, updates } = store.docs.load(name);
  if (snapshot) Y.applyUpdate(doc, snapshot);
  for (const u of updates) Y.applyUpdate(doc, u.update);
  // Log entries (one may hold several updates: `DocStore.appendAll`).
  return { map: doc.getMap('m').toJSON(), rows: new Set(updates.map((u) => u.id)).size };
};

const deliveredMap = (name: string) => {
  const doc = new Y.Doc();
  for (const u of delivered.get(name) ?? []) Y.applyUpdate(doc, u);
  return doc.getMap('m').toJSON();
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'parley-committer-'));
  store = createSqliteStore({ path: join(dir, 'relay.db') });
  host = new DocHost({ store, now: Date.now, compactAfterUpdates: 1000 });
  delivered = new Map();
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Queues a unit, lets two event-loop turns pass, queues another, and waits for both. */
const twoTurnsApart = async (committer: Committer): Promise<void> => {
  const turn = () => new Promise((r) => setImmediate(r));
  const second = committer.run(set(A, 'second', 2));
  await turn();
  await turn();
  const third = committer.run(set(A, 'third', 3));
  await Promise.all([second, third]);
};

describe('Committer', () => {
  it('commits the units of one turn in one transaction with one update-log row per changed doc', async () => {
    const committer = setup(0);
    subscribe(A);
    await Promise.all([
      committer.run(set(A, 'x', 1)),
      committer.run(set(A, 'y', 2)),
      committer.run(set(B, 'z', 3)),
      committer.run(set(A, 'w', 4)),
    ]);
    expect(commits).toEqual([4]);
    expect(stored(A)).toEqual({ map: { x: 1, y: 2, w: 4 }, rows: 1 });
    expect(stored(B)).toEqual({ map: { z: 3 }, rows: 1 });
    expect(deliveredMap(A)).toEqual({ x: 1, y: 2, w: 4 });
  });

  it('rolls a failing unit back alone: earlier and later units of its batch on the same doc stay', async () => {
    const committer = setup(0);
    const before = subscribe(A);
    const beforeDoc = before.doc;
    const results = await Promise.allSettled([
      committer.run(set(A, 'x', 1)),
      committer.run(() => {
        set(A, 'bad', 2)();
        set(B, 'bad', 2)();
        throw new Error('boom');
      }),
      committer.run(set(A, 'y', 3)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(stored(A).map).toEqual({ x: 1, y: 3 });
    expect(stored(B).map).toEqual({});
    // The doc in memory was reloaded in place (holders of the HostedDoc see the new Y.Doc): it
    // matches storage, keeps its subscriber, and the subscriber never received the rolled-back change.
    const after = host.open(A);
    expect(after).toBe(before);
    expect(after.doc).not.toBe(beforeDoc);
    expect(after.doc.getMap('m').toJSON()).toEqual({ x: 1, y: 3 });
    expect(after.subscribers.size).toBe(1);
    expect(deliveredMap(A)).toEqual({ x: 1, y: 3 });
    expect(host.open(B).doc.getMap('m').toJSON()).toEqual({});
  });

  it('join runs follow-up work as another unit of the same batch', async () => {
    const committer = setup(0);
    let joined: Promise<void> | undefined;
    await committer.run(() => {
      set(A, 'x', 1)();
      joined = committer.join(set(A, 'y', 2));
    });
    await joined;
    expect(commits).toEqual([2]);
    expect(stored(A)).toEqual({ map: { x: 1, y: 2 }, rows: 1 });
  });

  it('barrier ends the batch before a unit that is not first; it and the later units follow in order', async () => {
    const committer = setup(0);
    const order: string[] = [];
    const unit =
      (name: string, barrier = false) =>
      () => {
        if (barrier) committer.barrier();
        order.push(name);
        set(A, name, order.length)();
      };
    await Promise.all([
      committer.run(unit('a')),
      committer.run(unit('revoke', true)),
      committer.run(unit('b')),
    ]);
    expect(order).toEqual(['a', 'revoke', 'b']);
    expect(commits).toEqual([1, 2]);
    expect(stored(A)).toEqual({ map: { a: 1, revoke: 2, b: 3 }, rows: 2 });
  });

  it('starts no unit after maxBatchMs: the rest follow in order in the next batch, after I/O', async () => {
    const committer = setup(0, 0, 20);
    const order: string[] = [];
    const busy = (name: string, ms: number) => () => {
      const until = performance.now() + ms;
      while (performance.now() < until);
      order.push(name);
      set(A, name, order.length)();
    };
    let ioRanAt = -1;
    const units = [
      committer.run(() => {
        // Other work (a timer here; sockets' data alike) that became due during the batch gets
        // its turn between the two batches.
        setTimeout(() => {
          ioRanAt = order.length;
        }, 0);
        busy('a', 5)();
      }),
      committer.run(busy('b', 25)),
      committer.run(busy('c', 1)),
      committer.run(busy('d', 1)),
    ];
    await Promise.all(units);
    expect(order).toEqual(['a', 'b', 'c', 'd']);
    expect(commits).toEqual([2, 2]);
    expect(ioRanAt).toBe(2);
    expect(stored(A)).toEqual({ map: { a: 1, b: 2, c: 3, d: 4 }, rows: 2 });
  });

  it('under load, units of the following window commit together; with no window, each turn commits', async () => {
    for (const [windowMs, expected] of [
      [500, [1, 2]],
      [0, [1, 1, 1]],
    ] as const) {
      const committer = setup(windowMs);
      await committer.run(set(A, 'first', 1));
      await twoTurnsApart(committer);
      expect(commits).toEqual(expected);
    }
  });
});

describe('Committer busyUnits', () => {
  it('a batch of busyUnits units makes the next one wait for the window; a smaller one does not', async () => {
    // The event loop never counts as busy (busyShare 1): only the batch size opens the window.
    for (const [first, expected] of [
      [2, [2, 2]],
      [1, [1, 1, 1]],
    ] as const) {
      const committer = setup(500, 1, undefined, 2);
      await Promise.all(Array.from({ length: first }, (_, i) => committer.run(set(A, `first${i}`, i))));
      await twoTurnsApart(committer);
      expect(commits).toEqual(expected);
    }
  });
});

describe('DocHost.stateAsUpdate', () => {
  it('answers a repeated state vector from cache until the doc changes, then afresh', async () => {
    const committer = setup(0);
    await committer.run(set(A, 'x', 1));
    const hosted = host.open(A);
    const empty = Y.encodeStateVector(new Y.Doc());
    const first = host.stateAsUpdate(hosted, empty);
    expect(host.stateAsUpdate(hosted, empty)).toBe(first);
    await committer.run(set(A, 'y', 2));
    const second = host.stateAsUpdate(hosted, empty);
    expect(second).not.toBe(first);
    const reader = new Y.Doc();
    Y.applyUpdate(reader, second);
    expect(reader.getMap('m').toJSON()).toEqual({ x: 1, y: 2 });
  });

  it('answers a new reader of a compacted doc with the stored snapshot, and afresh after a change', async () => {
    const committer = setup(0);
    await committer.run(set(A, 'x', 1));
    host.compact(host.open(A));
    const other = new DocHost({ store, now: Date.now, compactAfterUpdates: 1000 });
    const loaded = other.open(A);
    const empty = Y.encodeStateVector(new Y.Doc());
    expect(Buffer.from(other.stateAsUpdate(loaded, empty))).toEqual(
      Buffer.from(store.docs.load(A).snapshot!),
    );
    loaded.doc.getMap('m').set('y', 2); // outside a unit: logged at once
    const reader = new Y.Doc();
    Y.applyUpdate(reader, other.stateAsUpdate(loaded, empty));
    expect(reader.getMap('m').toJSON()).toEqual({ x: 1, y: 2 });
  });
});

describe('DocHost pacing', () => {
  const paced = (name: string, key: string, value: number) => () => {
    host.paced(() => host.open(name).doc.getMap('m').set(key, value));
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const count = (name: string) => delivered.get(name)?.length ?? 0;

  beforeEach(() => {
    host = new DocHost({
      store,
      now: Date.now,
      compactAfterUpdates: 1000,
      pace: { ms: 80, minSubscribers: 1 },
    });
  });

  it('delivers the first paced change at once and holds the next ones for one merged delivery', async () => {
    const committer = setup(0);
    subscribe(A);
    await committer.run(paced(A, 'a', 1));
    expect(count(A)).toBe(1);
    await committer.run(paced(A, 'b', 2));
    await committer.run(paced(A, 'c', 3));
    // Committed (and durable) but not yet delivered.
    expect(count(A)).toBe(1);
    expect(stored(A).map).toEqual({ a: 1, b: 2, c: 3 });
    await sleep(120);
    expect(count(A)).toBe(2);
    expect(deliveredMap(A)).toEqual({ a: 1, b: 2, c: 3 });
  });

  it('sends held changes ahead of an unpaced one, at once', async () => {
    const committer = setup(0);
    subscribe(A);
    await committer.run(paced(A, 'a', 1));
    await committer.run(paced(A, 'b', 2));
    expect(count(A)).toBe(1);
    await committer.run(set(A, 'c', 3));
    expect(deliveredMap(A)).toEqual({ a: 1, b: 2, c: 3 });
    const n = count(A);
    await sleep(120);
    expect(count(A)).toBe(n); // nothing left on the timer
  });

  it('does not pace docs with fewer subscribers than the threshold', async () => {
    host = new DocHost({
      store,
      now: Date.now,
      compactAfterUpdates: 1000,
      pace: { ms: 80, minSubscribers: 2 },
    });
    const committer = setup(0);
    subscribe(A);
    await committer.run(paced(A, 'a', 1));
    await committer.run(paced(A, 'b', 2));
    expect(count(A)).toBe(2);
  });

  it('flushHeld delivers what is held now (before a revocation), and unloading does too', async () => {
    const committer = setup(0);
    subscribe(A);
    subscribe(B);
    await committer.run(paced(A, 'a', 1));
    await committer.run(paced(A, 'b', 2));
    host.flushHeld(host.open(A));
    expect(deliveredMap(A)).toEqual({ a: 1, b: 2 });
    await committer.run(paced(B, 'x', 1));
    await committer.run(paced(B, 'y', 2));
    host.unload(host.open(B));
    expect(deliveredMap(B)).toEqual({ x: 1, y: 2 });
  });
});

describe('DocHost load pacing', () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const count = (name: string) => delivered.get(name)?.length ?? 0;
  const paced = (name: string, key: string, value: number) => () => {
    host.paced(() => host.open(name).doc.getMap('m').set(key, value));
  };

  // One subscriber at 12.5 writes a second: one delivery per 80 ms while loaded. A and B are heads.
  const loadHost = (pace?: { ms: number; minSubscribers: number }, kinds: ('head' | 'page')[] = ['head']) =>
    new DocHost({
      store,
      now: Date.now,
      compactAfterUpdates: 1000,
      loadPace: { minSubscribers: 1, writesPerSecond: 12.5, kinds },
      ...(pace ? { pace } : {}),
    });

  it('under load holds changes to a doc with many subscribers for its interval; a quiet relay delivers at once', async () => {
    host = loadHost();
    const loaded = setup(0, 0); // busyShare 0: always loaded
    subscribe(A);
    await loaded.run(set(A, 'a', 1));
    expect(count(A)).toBe(1); // the first after a quiet spell goes at once
    await loaded.run(set(A, 'b', 2));
    await loaded.run(set(A, 'c', 3));
    expect(count(A)).toBe(1);
    expect(stored(A).map).toEqual({ a: 1, b: 2, c: 3 }); // committed, durable, not yet delivered
    await sleep(120);
    expect(count(A)).toBe(3); // delivered as they are, not merged
    expect(deliveredMap(A)).toEqual({ a: 1, b: 2, c: 3 });

    delivered = new Map();
    const quiet = setup(0, 1, undefined, 1e9); // never busy: utilization above 1, no unit count
    await quiet.run(set(A, 'd', 4));
    await quiet.run(set(A, 'e', 5));
    expect(count(A)).toBe(2);
  });

  it('holds only the kinds of doc it is given, even when loaded', async () => {
    host = loadHost(undefined, ['page']);
    const loaded = setup(0, 0);
    subscribe(A);
    for (const [i, key] of ['a', 'b', 'c'].entries()) await loaded.run(set(A, key, i));
    expect(count(A)).toBe(3);
  });

  it('a change held under load does not wait for a held receipt’s longer interval', async () => {
    host = loadHost({ ms: 1000, minSubscribers: 1 });
    const quiet = setup(0, 1, undefined, 1e9);
    subscribe(A);
    await quiet.run(paced(A, 'r1', 1));
    await quiet.run(paced(A, 'r2', 2)); // held for the receipt interval: 1 s after r1
    const loaded = setup(0, 0);
    await loaded.run(set(A, 'm', 3)); // held for the load interval: 80 ms after r1
    expect(count(A)).toBe(1);
    await sleep(150);
    expect(deliveredMap(A)).toEqual({ r1: 1, r2: 2, m: 3 });
  });
});
