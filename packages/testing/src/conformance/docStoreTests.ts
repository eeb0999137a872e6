import type { RelayStore } from '@parley/model';
import { describe, expect, it } from 'vitest';
import type { StoreHarness } from './harness.ts';
import { encodeApplied, encodeLoaded, threePeerUpdates } from './yjsFixtures.ts';

const bytes = (...values: number[]) => new Uint8Array(values);

/** `RelayStore.docs`: the snapshot + update log of each doc. */
export function docStoreTests(h: StoreHarness<RelayStore>): void {
  describe('docs', () => {
    it('an unknown doc loads as no snapshot and an empty log', () => {
      expect(h.store.docs.load('thread:nothing')).toEqual({ snapshot: null, updates: [] });
    });

    it('appends return increasing ids and load gives the log oldest first', () => {
      const before = Date.now();
      const ids = [bytes(1), bytes(2, 2), bytes(3, 3, 3)].map((u) => h.store.docs.append('thread:a', u));
      const after = Date.now();
      expect(ids[0]! < ids[1]! && ids[1]! < ids[2]!).toBe(true);
      const loaded = h.store.docs.load('thread:a');
      expect(loaded.snapshot).toBeNull();
      expect(loaded.updates.map((u) => u.id)).toEqual(ids);
      expect(loaded.updates.map((u) => [...u.update])).toEqual([[1], [2, 2], [3, 3, 3]]);
      for (const u of loaded.updates) {
        expect(u.update).toBeInstanceOf(Uint8Array);
        expect(u.at).toBeGreaterThanOrEqual(before - 1000);
        expect(u.at).toBeLessThanOrEqual(after + 1000);
      }
    });

    it('logs of different docs are separate and ids increase within each', () => {
      const a1 = h.store.docs.append('thread:a', bytes(1));
      h.store.docs.append('thread:b', bytes(9));
      const a2 = h.store.docs.append('thread:a', bytes(2));
      expect(a2).toBeGreaterThan(a1);
      expect(h.store.docs.load('thread:a').updates.map((u) => [...u.update])).toEqual([[1], [2]]);
      expect(h.store.docs.load('thread:b').updates.map((u) => [...u.update])).toEqual([[9]]);
    });

    it('compact stores the snapshot and drops exactly the log entries up to throughId', () => {
      const ids = [1, 2, 3, 4].map((v) => h.store.docs.append('thread:a', bytes(v)));
      h.store.docs.compact('thread:a', bytes(7, 7), ids[1]!);
      const loaded = h.store.docs.load('thread:a');
      expect([...loaded.snapshot!]).toEqual([7, 7]);
      expect(loaded.updates.map((u) => u.id)).toEqual(ids.slice(2));
    });

    it('a second compaction replaces the snapshot and appends continue after it', () => {
      const first = h.store.docs.append('thread:a', bytes(1));
      h.store.docs.compact('thread:a', bytes(10), first);
      const second = h.store.docs.append('thread:a', bytes(2));
      expect(second).toBeGreaterThan(first);
      h.store.docs.compact('thread:a', bytes(20, 20), second);
      const third = h.store.docs.append('thread:a', bytes(3));
      expect(third).toBeGreaterThan(second);
      const loaded = h.store.docs.load('thread:a');
      expect([...loaded.snapshot!]).toEqual([20, 20]);
      expect(loaded.updates.map((u) => u.id)).toEqual([third]);
    });

    it('compaction leaves other docs alone', () => {
      const a = h.store.docs.append('thread:a', bytes(1));
      h.store.docs.append('thread:a:0', bytes(2));
      h.store.docs.compact('thread:a', bytes(5), a + 1000);
      expect(h.store.docs.load('thread:a:0').updates).toHaveLength(1);
      expect(h.store.docs.load('thread:a:0').snapshot).toBeNull();
    });

    it('after compaction, loading a doc gives a state byte-identical to before', () => {
      const updates = threePeerUpdates();
      const ids = updates.map((u) => h.store.docs.append('thread:y', u));
      const before = encodeLoaded(h.store.docs.load('thread:y'));
      expect(before).toEqual(encodeApplied(updates));

      // Fold a prefix only: the snapshot plus the rest of the log must still give the same state.
      const middle = Math.floor(ids.length / 2);
      h.store.docs.compact('thread:y', encodeApplied(updates.slice(0, middle + 1)), ids[middle]!);
      const partly = h.store.docs.load('thread:y');
      expect(partly.updates).toHaveLength(ids.length - middle - 1);
      expect(encodeLoaded(partly)).toEqual(before);

      // Fold everything.
      h.store.docs.compact('thread:y', encodeLoaded(partly), ids[ids.length - 1]!);
      const folded = h.store.docs.load('thread:y');
      expect(folded.updates).toEqual([]);
      expect(encodeLoaded(folded)).toEqual(before);
    });

    it('delete removes the head and its pages but not a doc whose id merely starts the same', () => {
      for (const name of [
        'thread:abc',
        'thread:abc:0',
        'thread:abc:12',
        'thread:abcd',
        'thread:abcd:0',
        'thread:ab',
      ]) {
        h.store.docs.append(name, bytes(1));
      }
      h.store.docs.compact('thread:abc:0', bytes(5), 0);
      h.store.docs.compact('thread:abcd', bytes(6), 0);
      h.store.docs.delete('thread:abc');
      expect(h.store.docs.list()).toEqual(['thread:ab', 'thread:abcd', 'thread:abcd:0']);
      expect(h.store.docs.load('thread:abc:0')).toEqual({ snapshot: null, updates: [] });
      expect([...h.store.docs.load('thread:abcd').snapshot!]).toEqual([6]);
    });

    it('delete of a page removes that page only', () => {
      for (const name of ['thread:abc', 'thread:abc:1', 'thread:abc:10']) h.store.docs.append(name, bytes(1));
      h.store.docs.delete('thread:abc:1');
      expect(h.store.docs.list()).toEqual(['thread:abc', 'thread:abc:10']);
    });

    it('delete treats LIKE wildcards in names literally', () => {
      for (const name of ['user:a_c', 'user:abc', 'user:a%', 'user:a%z']) h.store.docs.append(name, bytes(1));
      h.store.docs.delete('user:a_c');
      h.store.docs.delete('user:a%');
      expect(h.store.docs.list()).toEqual(['user:a%z', 'user:abc']);
    });

    it('appendAll stores several updates as one entry: load gives them back in order under its id', () => {
      const big = new Uint8Array(20_000).map((_, i) => i % 251); // a length of three varUint bytes
      const first = h.store.docs.append('thread:a', bytes(1));
      const bundle = h.store.docs.appendAll('thread:a', [bytes(2, 2), new Uint8Array(0), big, bytes(3)]);
      const single = h.store.docs.appendAll('thread:a', [bytes(4)]);
      const last = h.store.docs.append('thread:a', bytes(5));
      expect(first < bundle && bundle < single && single < last).toBe(true);
      const loaded = h.store.docs.load('thread:a').updates;
      expect(loaded.map((u) => u.id)).toEqual([first, bundle, bundle, bundle, bundle, single, last]);
      expect(loaded.map((u) => u.update.length)).toEqual([1, 2, 0, 20_000, 1, 1, 1]);
      expect([...loaded[3]!.update]).toEqual([...big]);
      expect(loaded.map((u) => u.update[0])).toEqual([1, 2, undefined, 0, 3, 4, 5]);
      expect(h.store.docs.stats('thread:a').updates).toBe(4);
      expect(() => h.store.docs.appendAll('thread:a', [])).toThrow();
    });

    it('compaction through an appendAll entry drops all its parts, and a rollback takes it back', () => {
      h.store.docs.append('thread:a', bytes(1));
      const bundle = h.store.docs.appendAll('thread:a', [bytes(2), bytes(3)]);
      h.store.docs.appendAll('thread:a', [bytes(4), bytes(5)]);
      h.store.docs.compact('thread:a', bytes(9), bundle);
      expect(h.store.docs.load('thread:a').updates.map((u) => [...u.update])).toEqual([[4], [5]]);
      expect(() =>
        h.store.transaction(() => {
          h.store.docs.appendAll('thread:a', [bytes(6), bytes(7)]);
          throw new Error('undo');
        }),
      ).toThrow('undo');
      expect(h.store.docs.load('thread:a').updates.map((u) => [...u.update])).toEqual([[4], [5]]);
    });

    it('stats count the log entries, their bytes and the snapshot bytes', () => {
      expect(h.store.docs.stats('thread:none')).toEqual({ updates: 0, updateBytes: 0, snapshotBytes: 0 });
      const first = h.store.docs.append('thread:a', bytes(1, 2, 3));
      h.store.docs.append('thread:a', bytes(4, 5));
      expect(h.store.docs.stats('thread:a')).toEqual({ updates: 2, updateBytes: 5, snapshotBytes: 0 });
      h.store.docs.compact('thread:a', bytes(9, 9, 9, 9), first);
      expect(h.store.docs.stats('thread:a')).toEqual({ updates: 1, updateBytes: 2, snapshotBytes: 4 });
    });

    it('list gives every stored doc sorted, filtered by a plain prefix', () => {
      for (const name of ['user:bob', 'thread:b', 'thread:a:1', 'thread:a'])
        h.store.docs.append(name, bytes(1));
      h.store.docs.compact('thread:c', bytes(1), 0);
      expect(h.store.docs.list()).toEqual(['thread:a', 'thread:a:1', 'thread:b', 'thread:c', 'user:bob']);
      expect(h.store.docs.list('thread:')).toEqual(['thread:a', 'thread:a:1', 'thread:b', 'thread:c']);
      expect(h.store.docs.list('thread:a')).toEqual(['thread:a', 'thread:a:1']);
      expect(h.store.docs.list('user:%')).toEqual([]);
      expect(h.store.docs.list('nothing')).toEqual([]);
    });

    it('stored bytes are isolated from the caller’s arrays, both ways', () => {
      const update = bytes(1, 2, 3);
      const snapshot = bytes(4, 5);
      const id = h.store.docs.append('thread:a', update);
      update[0] = 99;
      h.store.docs.append('thread:b', bytes(0));
      h.store.docs.compact('thread:b', snapshot, id + 1000);
      snapshot[0] = 99;
      const loadedA = h.store.docs.load('thread:a');
      expect([...loadedA.updates[0]!.update]).toEqual([1, 2, 3]);
      loadedA.updates[0]!.update[1] = 77;
      expect([...h.store.docs.load('thread:a').updates[0]!.update]).toEqual([1, 2, 3]);
      const loadedB = h.store.docs.load('thread:b');
      expect([...loadedB.snapshot!]).toEqual([4, 5]);
      loadedB.snapshot![1] = 77;
      expect([...h.store.docs.load('thread:b').snapshot!]).toEqual([4, 5]);
    });

    it('an empty update round-trips', () => {
      h.store.docs.append('thread:a', new Uint8Array(0));
      expect(h.store.docs.load('thread:a').updates[0]!.update.byteLength).toBe(0);
    });
  });
}
