import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore, type SqliteRelayStore } from '@parley/store-sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Committer } from '../src/committer.ts';
import { DocHost } from '../src/docHost.ts';

const SMALL = 'thread:sleep-small';
const LARGE = 'thread:sleep-large';

let dir: string;
let store: SqliteRelayStore;
let host: DocHost;
let committer: Committer;
let clock: number;

const watch = (name: string) => {
  const got: Uint8Array[] = [];
  host.open(name).subscribers.add({ sessionId: 'watcher', deliver: (_doc, update) => got.push(update) });
  return got;
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'parley-sleep-'));
  store = createSqliteStore({ path: join(dir, 'relay.db') });
  clock = 1_000_000;
  host = new DocHost({ store, now: () => clock, compactAfterUpdates: 1000, maxSleepBytes: 2048 });
  committer = new Committer(store, host, { onInternalError: () => undefined }, { windowMs: 0 });
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('DocHost sleep', () => {
  it('puts small idle subscribed docs to sleep and keeps large ones in memory', async () => {
    watch(SMALL);
    watch(LARGE);
    await committer.run(() => {
      host.open(SMALL).doc.getMap('m').set('a', 1);
      host.open(LARGE).doc.getMap('m').set('blob', 'x'.repeat(10_000));
    });
    clock += 60_000;
    expect(host.unloadIdle(30_000)).toBe(1);
    expect(host.peek(SMALL)?.awake).toBe(false);
    expect(host.peek(LARGE)?.awake).toBe(true);
    // Both stay hosted (their subscribers with them), and both were compacted on the way.
    expect(host.peek(SMALL)?.subscribers.size).toBe(1);
    // What the relay's loaded-bytes metric reads instead of asking the store.
    for (const name of [SMALL, LARGE]) {
      const { snapshotBytes, updateBytes } = store.docs.stats(name);
      expect(host.peek(name)?.storedBytes).toBe(snapshotBytes + updateBytes);
    }
    expect(store.docs.load(SMALL).updates).toHaveLength(0);
    expect(store.docs.load(LARGE).updates).toHaveLength(0);
  });

  it('wakes a sleeping doc with its state, logs its next change, and delivers it', async () => {
    const got = watch(SMALL);
    await committer.run(() => host.open(SMALL).doc.getMap('m').set('a', 1));
    clock += 60_000;
    host.unloadIdle(30_000);
    const hosted = host.peek(SMALL)!;
    expect(hosted.awake).toBe(false);

    await committer.run(() => hosted.doc.getMap('m').set('b', 2));
    expect(hosted.awake).toBe(true);
    const { snapshotBytes, updateBytes } = store.docs.stats(SMALL);
    expect(updateBytes).toBeGreaterThan(0);
    expect(hosted.storedBytes).toBe(snapshotBytes + updateBytes);
    expect(hosted.doc.getMap('m').toJSON()).toEqual({ a: 1, b: 2 });
    const seen = new Y.Doc();
    for (const u of got) Y.applyUpdate(seen, u);
    expect(seen.getMap('m').toJSON()).toEqual({ a: 1, b: 2 });
    // The change was logged: a fresh host loads it.
    const fresh = new DocHost({ store, now: () => clock, compactAfterUpdates: 1000 });
    expect(fresh.open(SMALL).doc.getMap('m').toJSON()).toEqual({ a: 1, b: 2 });
  });

  it('does not put a doc to sleep while it was used within the idle time', async () => {
    watch(SMALL);
    await committer.run(() => host.open(SMALL).doc.getMap('m').set('a', 1));
    clock += 20_000;
    // A change through a held reference (as a session's subscription makes) counts as use.
    await committer.run(() => host.peek(SMALL)!.doc.getMap('m').set('b', 2));
    clock += 20_000;
    expect(host.unloadIdle(30_000)).toBe(0);
    expect(host.peek(SMALL)?.awake).toBe(true);
  });

  it('gives a reference read after its doc was unloaded the stored state, without logging its changes', async () => {
    const hosted = host.open(SMALL);
    await committer.run(() => hosted.doc.getMap('m').set('a', 1));
    clock += 60_000;
    host.unloadIdle(30_000);
    expect(host.peek(SMALL)).toBeUndefined();
    expect(hosted.doc.getMap('m').toJSON()).toEqual({ a: 1 });
    hosted.doc.getMap('m').set('stray', 1);
    expect(store.docs.load(SMALL).updates).toHaveLength(0);
    expect(host.open(SMALL).doc.getMap('m').toJSON()).toEqual({ a: 1 });
  });
});
