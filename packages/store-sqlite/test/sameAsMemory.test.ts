import type { RelayStore } from '@parley/model';
import { createMemoryStore } from '@parley/testing/memory';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSqliteStore } from '../src/index.ts';

/**
 * Differential test: random sequences of writes (some inside transactions that throw) leave the
 * SQLite store and the in-memory fake answering every read the same way, ties and orders included.
 * fast-check prints the seed and the shrunk sequence when it fails.
 */

const ids = ['abc', 'abcd', 'ab'] as const;
const users = ['alice', 'bob', 'carol'] as const;
const days = ['2026-01-01T00:00:00.000Z', '2026-01-01T12:00:00.000Z', '2026-01-02T00:00:00.000Z'] as const;
const maybeDay = fc.option(fc.constantFrom(...days), { nil: null });

const write = fc.oneof(
  fc.record({
    kind: fc.constant('thread' as const),
    id: fc.constantFrom(...ids),
    createdOn: fc.constantFrom(...days),
    lastMessageOn: maybeDay,
    deletedOn: maybeDay,
  }),
  fc.record({
    kind: fc.constant('member' as const),
    threadId: fc.constantFrom(...ids),
    userId: fc.constantFrom(...users),
    addedOn: fc.constantFrom(...days),
    removedOn: maybeDay,
  }),
  fc.record({
    kind: fc.constant('message' as const),
    threadId: fc.constantFrom(...ids),
    seq: fc.integer({ min: 1, max: 6 }),
    sender: fc.option(fc.constantFrom(...users), { nil: null }),
    type: fc.constantFrom('text', 'html', 'topicUpdated'),
    createdOn: fc.constantFrom(...days),
  }),
  fc.record({
    kind: fc.constant('receipt' as const),
    threadId: fc.constantFrom(...ids),
    userId: fc.constantFrom(...users),
    seq: fc.integer({ min: 1, max: 6 }),
  }),
  fc.record({ kind: fc.constant('purge' as const), id: fc.constantFrom(...ids) }),
  fc.record({
    kind: fc.constant('append' as const),
    doc: fc.constantFrom('thread:abc', 'thread:abc:0', 'thread:abcd', 'user:bob'),
    byte: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({
    kind: fc.constant('deleteDoc' as const),
    doc: fc.constantFrom('thread:abc', 'thread:ab', 'user:bob'),
  }),
);
type Write = typeof write extends fc.Arbitrary<infer W> ? W : never;
const step = fc.oneof(
  { arbitrary: write, weight: 4 },
  { arbitrary: fc.record({ rollback: fc.array(write, { maxLength: 4 }) }), weight: 1 },
);

function apply(store: RelayStore, w: Write): void {
  switch (w.kind) {
    case 'thread':
      store.threads.put({
        id: w.id,
        topic: 't',
        createdBy: 'alice',
        createdOn: w.createdOn,
        deletedOn: w.deletedOn,
        lastMessageOn: w.lastMessageOn,
        lastSeq: 0,
        currentPage: 0,
        idempotencyKey: null,
      });
      return;
    case 'member':
      store.members.put({
        threadId: w.threadId,
        userId: w.userId,
        displayName: w.userId,
        role: 'member',
        addedBy: 'alice',
        addedOn: w.addedOn,
        fromSeq: 0,
        generation: 0,
        removedOn: w.removedOn,
      });
      return;
    case 'message':
      store.messages.put({
        threadId: w.threadId,
        messageId: `m${w.seq}`,
        page: 0,
        seq: w.seq,
        sender: w.sender,
        type: w.type,
        priority: 'normal',
        createdOn: w.createdOn,
        deletedOn: null,
      });
      return;
    case 'receipt':
      store.receipts.put({
        threadId: w.threadId,
        userId: w.userId,
        messageId: `m${w.seq}`,
        seq: w.seq,
        readOn: 'x',
      });
      return;
    case 'purge':
      store.threads.purge(w.id);
      return;
    case 'append':
      store.docs.append(w.doc, new Uint8Array([w.byte]));
      return;
    case 'deleteDoc':
      store.docs.delete(w.doc);
      return;
  }
}

function reads(store: RelayStore) {
  return {
    threads: store.threads.list({ includeDeleted: true }),
    live: store.threads.list({ limit: 2 }),
    members: ids.map((id) => [store.members.list(id), store.members.list(id, { includeRemoved: true })]),
    counts: ids.map((id) => store.members.countActive(id)),
    mine: users.map((u) => store.members.threadsOf(u)),
    messages: ids.map((id) => [
      store.messages.list(id),
      store.messages.list(id, { order: 'asc', afterSeq: 2, limit: 3 }),
      days.map((d) => store.messages.firstSeqAtOrAfter(id, d)),
    ]),
    usage: store.messages.usage(days[0], '2026-01-03'),
    receipts: ids.map((id) => store.receipts.list(id)),
    docs: store.docs.list().map((name) => [name, store.docs.load(name).updates.map((u) => [...u.update])]),
  };
}

describe('the SQLite store and the in-memory fake', () => {
  it('answer every read the same after any sequence of writes and rolled-back transactions', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const sqlite = createSqliteStore({ path: ':memory:' });
        const memory = createMemoryStore();
        try {
          for (const s of steps) {
            for (const store of [sqlite, memory]) {
              if ('rollback' in s) {
                expect(() =>
                  store.transaction(() => {
                    for (const w of s.rollback) apply(store, w);
                    throw new Error('roll back');
                  }),
                ).toThrow('roll back');
              } else {
                apply(store, s);
              }
            }
          }
          expect(reads(sqlite)).toEqual(reads(memory));
        } finally {
          sqlite.close();
        }
      }),
      { numRuns: 150 },
    );
  });
});
