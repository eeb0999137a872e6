import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLocalDocStoreTests, runRelayStoreTests } from '@parley/testing';
import { createSqliteLocalStore, createSqliteStore } from './index.ts';

function tempFile(name: string) {
  const dir = mkdtempSync(join(tmpdir(), 'parley-store-'));
  return { path: join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

runRelayStoreTests('sqlite RelayStore', () => {
  const { path, cleanup } = tempFile('relay.db');
  return { store: createSqliteStore({ path }), reopen: () => createSqliteStore({ path }), cleanup };
});

runLocalDocStoreTests('sqlite LocalDocStore', () => {
  const { path, cleanup } = tempFile('local.db');
  return { store: createSqliteLocalStore(path), reopen: () => createSqliteLocalStore(path), cleanup };
});
