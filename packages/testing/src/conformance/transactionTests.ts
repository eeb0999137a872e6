import type { RelayStore } from '@parley/model';
import { describe, expect, it } from 'vitest';
import type { StoreHarness } from './harness.ts';
import { memberRow, messageRow, opRow, receiptRow, threadRow } from './rows.ts';

/** A snapshot of everything the suites wrote about thread `abc`, to compare before and after. */
function dump(store: RelayStore) {
  return {
    docs: store.docs.list().map((name) => [name, store.docs.load(name)]),
    threads: store.threads.list({ includeDeleted: true }),
    members: store.members.list('abc', { includeRemoved: true }),
    messages: store.messages.list('abc'),
    ops: [store.ops.get('alice', 'op1') ?? null, store.ops.lastN('alice', 'd1')],
    receipts: store.receipts.list('abc'),
    settings: store.settings.get('k') ?? null,
  };
}

function seed(store: RelayStore): void {
  const id = store.docs.append('thread:abc', new Uint8Array([1]));
  store.docs.append('thread:abc:0', new Uint8Array([2]));
  store.docs.compact('thread:abc', new Uint8Array([3]), id);
  store.threads.put(threadRow('abc'));
  store.members.put(memberRow('abc', 'alice'));
  store.members.put(memberRow('abc', 'bob'));
  store.messages.put(messageRow('abc', 1));
  store.receipts.put(receiptRow('abc', 'bob', 1));
  store.settings.set('k', 'v');
}

/** Every kind of write, on top of `seed`. */
function writeEverything(store: RelayStore): void {
  const id = store.docs.append('thread:abc', new Uint8Array([4]));
  store.docs.compact('thread:abc', new Uint8Array([5]), id);
  store.docs.append('thread:new', new Uint8Array([6]));
  store.docs.delete('thread:abc');
  store.threads.put(threadRow('abc', { topic: 'changed', lastSeq: 9 }));
  store.threads.put(threadRow('xyz'));
  store.members.put(memberRow('abc', 'alice', { removedOn: '2026-01-02T00:00:00.000Z' }));
  store.members.put(memberRow('abc', 'carol'));
  store.messages.put(messageRow('abc', 1, { deletedOn: '2026-01-02T00:00:00.000Z' }));
  store.messages.put(messageRow('abc', 2));
  store.ops.put(opRow('alice', 'op1', { n: 4 }));
  store.receipts.put(receiptRow('abc', 'bob', 2));
  store.receipts.put(receiptRow('abc', 'carol', 2));
  store.settings.set('k', 'changed');
  store.threads.purge('abc');
}

const boom = new Error('boom');

/** `RelayStore.transaction`: commit, rollback, nesting. */
export function transactionTests(h: StoreHarness<RelayStore>): void {
  describe('transaction', () => {
    it('returns what the function returns and keeps its writes', () => {
      const result = h.store.transaction(() => {
        h.store.settings.set('k', 'v');
        return h.store.docs.append('thread:a', new Uint8Array([1]));
      });
      expect(typeof result).toBe('number');
      expect(h.store.settings.get('k')).toBe('v');
      expect(h.store.docs.load('thread:a').updates.map((u) => u.id)).toEqual([result]);
    });

    it('a throw rolls back every kind of write and rethrows the same error', () => {
      seed(h.store);
      const before = dump(h.store);
      expect(() =>
        h.store.transaction(() => {
          writeEverything(h.store);
          expect(dump(h.store)).not.toEqual(before);
          throw boom;
        }),
      ).toThrow(boom);
      expect(dump(h.store)).toEqual(before);
    });

    it('the same writes outside a failed transaction do change the store (the rollback test can fail)', () => {
      seed(h.store);
      const before = dump(h.store);
      writeEverything(h.store);
      expect(dump(h.store)).not.toEqual(before);
    });

    it('a nested transaction that throws rolls back only its own writes when the outer one catches', () => {
      h.store.transaction(() => {
        h.store.settings.set('outer', 'before');
        try {
          h.store.transaction(() => {
            h.store.settings.set('inner', 'x');
            h.store.settings.set('outer', 'overwritten');
            h.store.docs.append('thread:inner', new Uint8Array([1]));
            throw boom;
          });
        } catch (error) {
          expect(error).toBe(boom);
        }
        h.store.settings.set('after', 'y');
      });
      expect(h.store.settings.get('outer')).toBe('before');
      expect(h.store.settings.get('inner')).toBeUndefined();
      expect(h.store.settings.get('after')).toBe('y');
      expect(h.store.docs.list()).toEqual([]);
    });

    it('an outer throw rolls back a nested transaction that had succeeded', () => {
      expect(() =>
        h.store.transaction(() => {
          h.store.transaction(() => {
            h.store.settings.set('inner', 'x');
            h.store.docs.append('thread:inner', new Uint8Array([1]));
          });
          throw boom;
        }),
      ).toThrow(boom);
      expect(h.store.settings.get('inner')).toBeUndefined();
      expect(h.store.docs.list()).toEqual([]);
    });

    it('a rolled-back purge restores the rows, members in their order', () => {
      seed(h.store);
      h.store.members.put(memberRow('abc', 'aaron'));
      const members = h.store.members.list('abc');
      expect(() =>
        h.store.transaction(() => {
          h.store.threads.purge('abc');
          throw boom;
        }),
      ).toThrow(boom);
      expect(h.store.members.list('abc')).toEqual(members);
      expect(h.store.threads.get('abc')).toBeDefined();
      expect(h.store.receipts.list('abc')).toHaveLength(1);
    });

    it('thread rows written in a transaction read back inside it, in every query that sees threads', () => {
      seed(h.store);
      h.store.threads.put(threadRow('old', { createdOn: '2026-01-01T00:00:00.000Z' }));
      h.store.members.put(memberRow('old', 'bob'));
      h.store.transaction(() => {
        const later = '2026-03-01T00:00:00.000Z';
        h.store.threads.put(threadRow('abc', { lastSeq: 5, lastMessageOn: later, idempotencyKey: 'k' }));
        expect(h.store.threads.get('abc')?.lastSeq).toBe(5);
        expect(h.store.threads.findByIdempotencyKey('alice', 'k')?.id).toBe('abc');
        expect(h.store.threads.list().map((t) => t.id)[0]).toBe('abc');
        h.store.threads.put(threadRow('old', { lastMessageOn: '2026-04-01T00:00:00.000Z' }));
        expect(h.store.members.threadsOf('bob').map((m) => m.threadId)).toEqual(['old', 'abc']);
        expect(h.store.threads.list().map((t) => t.id)[0]).toBe('old');
      });
      expect(h.store.threads.get('abc')?.lastSeq).toBe(5);
      expect(h.store.members.threadsOf('bob').map((m) => m.threadId)).toEqual(['old', 'abc']);
    });

    it('a nested transaction that throws takes back its thread rows, earlier ones of the outer stay', () => {
      h.store.transaction(() => {
        h.store.threads.put(threadRow('abc', { lastSeq: 1 }));
        try {
          h.store.transaction(() => {
            h.store.threads.put(threadRow('abc', { lastSeq: 2 }));
            h.store.threads.put(threadRow('xyz', { lastSeq: 2 }));
            // A read that writes held rows out, inside the savepoint, is taken back with it.
            expect(h.store.threads.list().map((t) => t.lastSeq)).toEqual([2, 2]);
            h.store.threads.put(threadRow('abc', { lastSeq: 3 }));
            throw boom;
          });
        } catch (error) {
          expect(error).toBe(boom);
        }
        expect(h.store.threads.get('abc')?.lastSeq).toBe(1);
        expect(h.store.threads.get('xyz')).toBeUndefined();
        h.store.threads.put(threadRow('abc', { lastSeq: 4, topic: 'last' }));
      });
      expect(h.store.threads.list({ includeDeleted: true })).toEqual([
        threadRow('abc', { lastSeq: 4, topic: 'last' }),
      ]);
    });

    it('message and op rows written in a transaction read back inside it, and a purge removes them', () => {
      seed(h.store);
      h.store.transaction(() => {
        h.store.messages.put(messageRow('abc', 2));
        h.store.messages.put(messageRow('abc', 2, { deletedOn: '2026-01-02T00:00:00.000Z' }));
        h.store.ops.put(opRow('alice', 'op7', { n: 7 }));
        h.store.ops.put(opRow('alice', 'op8', { n: 8, device: 'd2' }));
        expect(h.store.messages.get('abc', 'm2')?.deletedOn).toBe('2026-01-02T00:00:00.000Z');
        expect(h.store.ops.get('alice', 'op7')?.n).toBe(7);
        expect(h.store.ops.lastN('alice', 'd1')).toBe(7);
        expect(h.store.ops.lastN('alice', 'd2')).toBe(8);
        expect(h.store.messages.firstSeqAtOrAfter('abc', '2026-01-01T00:00:02.000Z')).toBe(2);
        expect(h.store.messages.list('abc').map((m) => m.seq)).toEqual([2, 1]);
        h.store.messages.put(messageRow('abc', 3));
        h.store.threads.purge('abc');
        expect(h.store.messages.get('abc', 'm2')).toBeUndefined();
        expect(h.store.messages.get('abc', 'm3')).toBeUndefined();
        h.store.messages.put(messageRow('abc', 4));
      });
      expect(h.store.messages.list('abc').map((m) => m.seq)).toEqual([4]);
      expect(h.store.ops.get('alice', 'op8')?.device).toBe('d2');
      expect(h.store.ops.lastN('alice', 'd1')).toBe(7);
    });

    it('a nested transaction that throws takes back its message and op rows, even after a read wrote them out', () => {
      h.store.transaction(() => {
        h.store.messages.put(messageRow('abc', 1));
        h.store.ops.put(opRow('alice', 'op1', { n: 1 }));
        try {
          h.store.transaction(() => {
            h.store.messages.put(messageRow('abc', 2));
            h.store.ops.put(opRow('alice', 'op2', { n: 2 }));
            expect(h.store.messages.list('abc')).toHaveLength(2); // writes the held rows out
            h.store.messages.put(messageRow('abc', 1, { deletedOn: '2026-01-02T00:00:00.000Z' }));
            expect(h.store.ops.lastN('alice', 'd1')).toBe(2);
            throw boom;
          });
        } catch (error) {
          expect(error).toBe(boom);
        }
        expect(h.store.messages.get('abc', 'm1')?.deletedOn).toBeNull();
        expect(h.store.messages.get('abc', 'm2')).toBeUndefined();
        expect(h.store.ops.get('alice', 'op2')).toBeUndefined();
        expect(h.store.ops.lastN('alice', 'd1')).toBe(1);
      });
      expect(h.store.messages.list('abc')).toEqual([messageRow('abc', 1)]);
      expect(h.store.ops.get('alice', 'op1')?.n).toBe(1);
      expect(h.store.ops.get('alice', 'op2')).toBeUndefined();
    });

    it('the store works normally after a rollback', () => {
      expect(() =>
        h.store.transaction(() => {
          h.store.settings.set('k', 'lost');
          throw boom;
        }),
      ).toThrow(boom);
      h.store.transaction(() => h.store.settings.set('k', 'kept'));
      expect(h.store.settings.get('k')).toBe('kept');
    });
  });
}

/** Persistence, where the setup can reopen the same data. */
export function reopenTests(h: StoreHarness<RelayStore>): void {
  describe('reopen', () => {
    it('everything committed is there after reopening', (ctx) => {
      if (!h.canReopen) ctx.skip('setup gave no reopen()');
      seed(h.store);
      h.store.transaction(() => h.store.ops.put(opRow('alice', 'op1', { n: 2 })));
      const before = dump(h.store);
      const reopened = h.reopen();
      expect(dump(reopened)).toEqual(before);
    });

    it('a rolled-back transaction is not there after reopening', (ctx) => {
      if (!h.canReopen) ctx.skip('setup gave no reopen()');
      h.store.settings.set('k', 'kept');
      expect(() =>
        h.store.transaction(() => {
          h.store.settings.set('k', 'lost');
          h.store.docs.append('thread:lost', new Uint8Array([1]));
          throw boom;
        }),
      ).toThrow(boom);
      const reopened = h.reopen();
      expect(reopened.settings.get('k')).toBe('kept');
      expect(reopened.docs.list()).toEqual([]);
    });

    it('update ids keep increasing after reopening', (ctx) => {
      if (!h.canReopen) ctx.skip('setup gave no reopen()');
      const first = h.store.docs.append('thread:a', new Uint8Array([1]));
      const reopened = h.reopen();
      const second = reopened.docs.append('thread:a', new Uint8Array([2]));
      expect(second).toBeGreaterThan(first);
      expect(reopened.docs.load('thread:a').updates.map((u) => [...u.update])).toEqual([[1], [2]]);
    });
  });
}
