import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore, type SqliteRelayStore } from '@parley/store-sqlite';
import { afterEach, beforeEach, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Committer } from '../src/committer.ts';
import { DocHost } from '../src/docHost.ts';

// DocHost.applyFrom logs and delivers a client's update as the client's own bytes, instead of
// letting Yjs encode the change again for the doc's `update` event.

const NAME = 'user:alice';
let dir: string;
let store: SqliteRelayStore;
let host: DocHost;
let committer: Committer;

const open = () => {
  host = new DocHost({ store, now: () => Date.now(), compactAfterUpdates: 1000 });
  committer = new Committer(store, host, { onInternalError: () => undefined }, { windowMs: 0 });
};
const logged = () => store.docs.load(NAME).updates.map((u) => Buffer.from(u.update).toString('hex'));
const hex = (u: Uint8Array) => Buffer.from(u).toString('hex');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'parley-apply-'));
  store = createSqliteStore({ path: join(dir, 'relay.db') });
  open();
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

it('logs and delivers the bytes the client sent, not a re-encoding, and skips their sender', async () => {
  const hosted = host.open(NAME);
  const others: Uint8Array[] = [];
  const own: Uint8Array[] = [];
  hosted.subscribers.add({ sessionId: 'other', deliver: (_d, u) => others.push(u) });
  hosted.subscribers.add({ sessionId: 's1', deliver: (_d, u) => own.push(u) });
  const client = new Y.Doc();
  client.getMap('ops').set('a', 1);
  await committer.run(() => host.applyFrom(hosted, Y.encodeStateAsUpdate(client), 's1'));
  // The client's whole state again, with one new entry: Yjs's own update for that change would
  // hold the new entry only.
  client.getMap('ops').set('b', 2);
  const full = Y.encodeStateAsUpdate(client);
  await committer.run(() => host.applyFrom(hosted, full, 's1'));
  expect(logged().at(-1)).toBe(hex(full));
  expect(others.map(hex).at(-1)).toBe(hex(full));
  expect(own).toEqual([]);
  expect(hosted.doc.getMap('ops').toJSON()).toEqual({ a: 1, b: 2 });

  // Bytes that change nothing are neither logged nor delivered.
  const entries = logged().length;
  await committer.run(() => host.applyFrom(hosted, full, 's1'));
  expect(logged()).toHaveLength(entries);
  expect(others).toHaveLength(2);
});

it('an update waiting for a missing one is logged, and completes after a restart', async () => {
  const client = new Y.Doc();
  const updates: Uint8Array[] = [];
  client.on('update', (u: Uint8Array) => updates.push(u));
  client.getMap('ops').set('a', 1);
  client.getMap('ops').set('b', 2);
  const [first, second] = updates as [Uint8Array, Uint8Array];
  await committer.run(() => host.applyFrom(host.open(NAME), second, 's1'));
  expect(host.open(NAME).doc.getMap('ops').toJSON()).toEqual({}); // pending: `a` is missing
  expect(logged()).toEqual([hex(second)]);

  // A new relay on the same database: the pending update comes back from the log.
  host.closeAll();
  open();
  await committer.run(() => host.applyFrom(host.open(NAME), first, 's1'));
  expect(host.open(NAME).doc.getMap('ops').toJSON()).toEqual({ a: 1, b: 2 });
  host.closeAll();
  open();
  expect(host.open(NAME).doc.getMap('ops').toJSON()).toEqual({ a: 1, b: 2 });
});
