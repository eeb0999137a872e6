import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { ClientStorage } from './clientStorage.ts';

/**
 * The behaviour every `ClientStorage` must have. `open` returns a storage over the same
 * underlying data each time it is called with the same key (to check that data survives a reopen).
 */
export const runClientStorageTests = (
  name: string,
  open: (key: string) => Promise<ClientStorage> | ClientStorage,
) => {
  let n = 0;
  const fresh = () => `${name}-${++n}-${Math.random().toString(36).slice(2)}`;

  describe(`ClientStorage: ${name}`, () => {
    it('keeps updates in order and rebuilds the same doc after a reopen', async () => {
      const key = fresh();
      const s = await open(key);
      const doc = new Y.Doc();
      doc.on('update', (u: Uint8Array) => void s.append('thread:abcdefgh', u));
      doc.getMap('m').set('a', 1);
      doc.getMap('m').set('b', '👩‍👩‍👧‍👦');
      doc.getMap('m').delete('a');
      await new Promise((r) => setTimeout(r, 10));
      await s.close();
      const again = await open(key);
      const copy = new Y.Doc();
      for (const u of await again.load('thread:abcdefgh')) Y.applyUpdate(copy, u);
      expect(copy.getMap('m').toJSON()).toEqual({ b: '👩‍👩‍👧‍👦' });
      expect(await again.load('nothing')).toEqual([]);
      await again.close();
    });

    it('replaces a doc with one state, deletes docs and lists names', async () => {
      const s = await open(fresh());
      await s.append('a', new Uint8Array([1]));
      await s.append('a', new Uint8Array([2]));
      await s.append('b', new Uint8Array([3]));
      await s.replace('a', new Uint8Array([9, 9]));
      expect((await s.load('a')).map((u) => [...u])).toEqual([[9, 9]]);
      expect(await s.list()).toEqual(['a', 'b']);
      await s.delete('b');
      expect(await s.list()).toEqual(['a']);
      expect(await s.load('b')).toEqual([]);
      await s.close();
    });

    it('stores small meta values and removes them with undefined', async () => {
      const key = fresh();
      const s = await open(key);
      expect(await s.getMeta('device')).toBeUndefined();
      await s.setMeta('device', 'dev1');
      await s.setMeta('gen:thread:x', '3');
      await s.setMeta('gen:thread:x', undefined);
      await s.close();
      const again = await open(key);
      expect(await again.getMeta('device')).toBe('dev1');
      expect(await again.getMeta('gen:thread:x')).toBeUndefined();
      await again.close();
    });
  });
};
