import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteLocalStore } from '@parley/store-sqlite';
import { createMemoryLocalStore } from '@parley/testing';
import { afterAll } from 'vitest';
import { type ClientStorage, createMemoryStorage, fromLocalDocStore } from './clientStorage.ts';
import { runClientStorageTests } from './storageTests.ts';

const dir = mkdtempSync(join(tmpdir(), 'parley-client-storage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const memories = new Map<string, ReturnType<typeof createMemoryStorage>>();
runClientStorageTests('memory', (key) => {
  const existing = memories.get(key);
  if (existing) return existing.reopen();
  const s = createMemoryStorage();
  memories.set(key, s);
  return s;
});

runClientStorageTests('sqlite via fromLocalDocStore', (key) =>
  fromLocalDocStore(createSqliteLocalStore(join(dir, `${key}.db`))),
);

const locals = new Map<string, ClientStorage>();
runClientStorageTests('memory LocalDocStore via fromLocalDocStore', (key) => {
  // createMemoryLocalStore forgets on close; keep one per key and ignore close for the reopen check.
  let s = locals.get(key);
  if (!s) {
    const inner = fromLocalDocStore(createMemoryLocalStore());
    s = { ...inner, close: async () => {} };
    locals.set(key, s);
  }
  return s;
});
