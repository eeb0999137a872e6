import type { LocalDocStore } from '@parley/model';
import { describe, expect, it } from 'vitest';
import { type StoreTestSetup, useStoreHarness } from './harness.ts';
import { encodeApplied, threePeerUpdates } from './yjsFixtures.ts';

/** What `runLocalDocStoreTests` needs for each test: a fresh, empty store. */
export type LocalDocStoreTestSetup = StoreTestSetup<LocalDocStore>;

const bytes = (...values: number[]) => new Uint8Array(values);
const plain = (updates: readonly Uint8Array[]) => updates.map((u) => [...u]);

/**
 * Registers the `LocalDocStore` conformance suite with Vitest (same `setup` contract as
 * `runRelayStoreTests`).
 *
 * @example
 * runLocalDocStoreTests('memory', () => ({ store: createMemoryLocalStore() }));
 */
export function runLocalDocStoreTests(name: string, setup: () => LocalDocStoreTestSetup): void {
  describe(name, () => {
    const h = useStoreHarness(setup);

    it('an unknown doc loads as nothing', () => {
      expect(h.store.load('user:nobody')).toEqual([]);
    });

    it('load gives the appended updates in order, per doc', () => {
      h.store.append('user:alice', bytes(1));
      h.store.append('thread:abc', bytes(9));
      h.store.append('user:alice', bytes(2, 2));
      expect(plain(h.store.load('user:alice'))).toEqual([[1], [2, 2]]);
      expect(plain(h.store.load('thread:abc'))).toEqual([[9]]);
      for (const u of h.store.load('user:alice')) expect(u).toBeInstanceOf(Uint8Array);
    });

    it('replace leaves exactly the given state, for a stored or a new doc', () => {
      h.store.append('user:alice', bytes(1));
      h.store.append('user:alice', bytes(2));
      h.store.append('user:bob', bytes(3));
      h.store.replace('user:alice', bytes(7, 7));
      h.store.replace('thread:new', bytes(8));
      expect(plain(h.store.load('user:alice'))).toEqual([[7, 7]]);
      expect(plain(h.store.load('thread:new'))).toEqual([[8]]);
      expect(plain(h.store.load('user:bob'))).toEqual([[3]]);
      h.store.append('user:alice', bytes(4));
      expect(plain(h.store.load('user:alice'))).toEqual([[7, 7], [4]]);
    });

    it('replacing with the encoded state loads byte-identically', () => {
      const updates = threePeerUpdates();
      for (const u of updates) h.store.append('thread:y', u);
      const before = encodeApplied(h.store.load('thread:y'));
      h.store.replace('thread:y', before);
      expect(encodeApplied(h.store.load('thread:y'))).toEqual(before);
      expect(h.store.load('thread:y')).toHaveLength(1);
    });

    it('delete removes that doc only', () => {
      for (const name of ['thread:abc', 'thread:abcd', 'thread:ab']) h.store.append(name, bytes(1));
      h.store.delete('thread:abc');
      h.store.delete('thread:unknown');
      expect(h.store.load('thread:abc')).toEqual([]);
      expect(h.store.list()).toEqual(['thread:ab', 'thread:abcd']);
    });

    it('list gives the stored docs sorted', () => {
      expect(h.store.list()).toEqual([]);
      for (const name of ['user:bob', 'thread:b', 'thread:a:1', 'thread:a']) h.store.append(name, bytes(1));
      h.store.replace('thread:c', bytes(1));
      expect(h.store.list()).toEqual(['thread:a', 'thread:a:1', 'thread:b', 'thread:c', 'user:bob']);
    });

    it('meta values are undefined until set, and set overwrites', () => {
      expect(h.store.getMeta('device')).toBeUndefined();
      h.store.setMeta('device', 'd1');
      h.store.setMeta('device', 'd2');
      h.store.setMeta('generation:thread:abc:0', '3');
      expect(h.store.getMeta('device')).toBe('d2');
      expect(h.store.getMeta('generation:thread:abc:0')).toBe('3');
      expect(h.store.list()).toEqual([]);
    });

    it('stored bytes are isolated from the caller’s arrays, both ways', () => {
      const update = bytes(1, 2);
      const state = bytes(3, 4);
      h.store.append('user:a', update);
      h.store.replace('user:b', state);
      update[0] = 99;
      state[0] = 99;
      const loaded = h.store.load('user:a');
      expect(plain(loaded)).toEqual([[1, 2]]);
      loaded[0]![0] = 77;
      expect(plain(h.store.load('user:a'))).toEqual([[1, 2]]);
      expect(plain(h.store.load('user:b'))).toEqual([[3, 4]]);
    });

    it('docs and meta are there after reopening', (ctx) => {
      if (!h.canReopen) ctx.skip('setup gave no reopen()');
      h.store.append('user:alice', bytes(1));
      h.store.append('user:alice', bytes(2));
      h.store.replace('thread:abc', bytes(3));
      h.store.setMeta('device', 'd1');
      const reopened = h.reopen();
      expect(plain(reopened.load('user:alice'))).toEqual([[1], [2]]);
      expect(plain(reopened.load('thread:abc'))).toEqual([[3]]);
      expect(reopened.list()).toEqual(['thread:abc', 'user:alice']);
      expect(reopened.getMeta('device')).toBe('d1');
    });
  });
}
