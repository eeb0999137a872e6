import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { expect, it } from 'vitest';
import { createIndexedDbStorage } from './indexedDbStorage.ts';
import { runClientStorageTests } from './storageTests.ts';

// IndexedDB under Node: fake-indexeddb's factory, one per test file; the key range class globally
// as browsers have it.
(globalThis as { IDBKeyRange?: unknown }).IDBKeyRange ??= IDBKeyRange;
const factory = new IDBFactory();

runClientStorageTests('IndexedDB (fake-indexeddb)', (key) =>
  createIndexedDbStorage(key, { indexedDB: factory }),
);

it('keeps all docs of a client in one IndexedDB database', async () => {
  const s = createIndexedDbStorage('one-db', { indexedDB: factory });
  for (let i = 0; i < 5; i++) await s.append(`thread:t${i}xxxxxxx`, new Uint8Array([i]));
  await s.close();
  const names = (await factory.databases()).map((d) => d.name);
  expect(names.filter((n) => n === 'one-db')).toHaveLength(1);
  expect(names.some((n) => n?.startsWith('thread:'))).toBe(false);
});
