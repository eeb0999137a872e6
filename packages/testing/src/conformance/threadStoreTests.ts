import type { RelayStore } from '@parley/model';
import { describe, expect, it } from 'vitest';
import type { StoreHarness } from './harness.ts';
import { memberRow, messageRow, receiptRow, threadRow } from './rows.ts';

/** `RelayStore.threads` and `RelayStore.members`. */
export function threadStoreTests(h: StoreHarness<RelayStore>): void {
  describe('threads', () => {
    it('put then get returns the row; an unknown id gives undefined', () => {
      const row = threadRow('abc', { lastMessageOn: '2026-01-02T00:00:00.000Z', lastSeq: 7, currentPage: 2 });
      h.store.threads.put(row);
      expect(h.store.threads.get('abc')).toEqual(row);
      expect(h.store.threads.get('abcd')).toBeUndefined();
    });

    it('put replaces the whole row of an existing id', () => {
      h.store.threads.put(threadRow('abc', { idempotencyKey: 'k1' }));
      const updated = threadRow('abc', { topic: 'new', deletedOn: '2026-02-01T00:00:00.000Z', lastSeq: 3 });
      h.store.threads.put(updated);
      expect(h.store.threads.get('abc')).toEqual(updated);
      expect(h.store.threads.findByIdempotencyKey('alice', 'k1')).toBeUndefined();
    });

    it('findByIdempotencyKey matches creator and key together', () => {
      h.store.threads.put(threadRow('t1', { createdBy: 'alice', idempotencyKey: 'k' }));
      h.store.threads.put(threadRow('t2', { createdBy: 'bob', idempotencyKey: 'k' }));
      h.store.threads.put(threadRow('t3', { createdBy: 'alice', idempotencyKey: null }));
      expect(h.store.threads.findByIdempotencyKey('alice', 'k')?.id).toBe('t1');
      expect(h.store.threads.findByIdempotencyKey('bob', 'k')?.id).toBe('t2');
      expect(h.store.threads.findByIdempotencyKey('carol', 'k')).toBeUndefined();
      expect(h.store.threads.findByIdempotencyKey('alice', 'other')).toBeUndefined();
    });

    it('list gives live threads newest activity first, deleted ones only when asked, up to a limit', () => {
      h.store.threads.put(threadRow('old', { createdOn: '2026-01-01T00:00:00.000Z' }));
      h.store.threads.put(
        threadRow('busy', {
          createdOn: '2026-01-01T00:00:00.000Z',
          lastMessageOn: '2026-03-01T00:00:00.000Z',
        }),
      );
      h.store.threads.put(threadRow('new', { createdOn: '2026-02-01T00:00:00.000Z' }));
      h.store.threads.put(
        threadRow('gone', { createdOn: '2026-04-01T00:00:00.000Z', deletedOn: '2026-04-02T00:00:00.000Z' }),
      );
      expect(h.store.threads.list().map((t) => t.id)).toEqual(['busy', 'new', 'old']);
      expect(h.store.threads.list({ includeDeleted: true }).map((t) => t.id)).toEqual([
        'gone',
        'busy',
        'new',
        'old',
      ]);
      expect(h.store.threads.list({ limit: 2 }).map((t) => t.id)).toEqual(['busy', 'new']);
      expect(h.store.threads.list({ includeDeleted: true, limit: 1 }).map((t) => t.id)).toEqual(['gone']);
      expect(h.store.threads.list({ limit: 0 })).toEqual([]);
    });

    it('purge removes the thread and its members, index rows and receipts, and nothing of another thread', () => {
      for (const id of ['abc', 'abcd']) {
        h.store.threads.put(threadRow(id));
        h.store.members.put(memberRow(id, 'alice'));
        h.store.members.put(memberRow(id, 'bob'));
        h.store.messages.put(messageRow(id, 1));
        h.store.receipts.put(receiptRow(id, 'bob', 1));
      }
      h.store.threads.purge('abc');
      expect(h.store.threads.get('abc')).toBeUndefined();
      expect(h.store.members.list('abc', { includeRemoved: true })).toEqual([]);
      expect(h.store.members.get('abc', 'alice')).toBeUndefined();
      expect(h.store.members.threadsOf('alice').map((m) => m.threadId)).toEqual(['abcd']);
      expect(h.store.messages.get('abc', 'm1')).toBeUndefined();
      expect(h.store.messages.list('abc')).toEqual([]);
      expect(h.store.receipts.list('abc')).toEqual([]);
      expect(h.store.threads.get('abcd')).toBeDefined();
      expect(h.store.members.countActive('abcd')).toBe(2);
      expect(h.store.messages.list('abcd')).toHaveLength(1);
      expect(h.store.receipts.list('abcd')).toHaveLength(1);
    });

    it('purge of an unknown thread does nothing', () => {
      h.store.threads.put(threadRow('abc'));
      h.store.threads.purge('ab');
      expect(h.store.threads.list()).toHaveLength(1);
    });
  });

  describe('members', () => {
    it('put then get returns the row; put replaces an existing membership', () => {
      const row = memberRow('abc', 'bob', { role: 'admin', fromSeq: 4, generation: 1 });
      h.store.members.put(row);
      expect(h.store.members.get('abc', 'bob')).toEqual(row);
      expect(h.store.members.get('abc', 'carol')).toBeUndefined();
      expect(h.store.members.get('abcd', 'bob')).toBeUndefined();
      const removed = { ...row, removedOn: '2026-01-05T00:00:00.000Z' };
      h.store.members.put(removed);
      expect(h.store.members.get('abc', 'bob')).toEqual(removed);
    });

    it('list gives members in the order they were added; an update keeps a member’s place', () => {
      h.store.members.put(memberRow('abc', 'zed', { addedOn: '2026-01-01T00:00:00.000Z' }));
      h.store.members.put(memberRow('abc', 'amy', { addedOn: '2026-01-01T00:00:00.000Z' }));
      h.store.members.put(memberRow('abc', 'bob', { addedOn: '2026-01-03T00:00:00.000Z' }));
      h.store.members.put(memberRow('abc', 'cat', { addedOn: '2026-01-02T00:00:00.000Z' }));
      h.store.members.put(memberRow('other', 'dan'));
      h.store.members.put(memberRow('abc', 'zed', { addedOn: '2026-01-01T00:00:00.000Z', role: 'owner' }));
      expect(h.store.members.list('abc').map((m) => m.userId)).toEqual(['zed', 'amy', 'cat', 'bob']);
    });

    it('list leaves removed members out unless includeRemoved; countActive counts the others', () => {
      h.store.members.put(memberRow('abc', 'alice'));
      h.store.members.put(memberRow('abc', 'bob', { removedOn: '2026-01-02T00:00:00.000Z' }));
      h.store.members.put(memberRow('abc', 'carol'));
      expect(h.store.members.list('abc').map((m) => m.userId)).toEqual(['alice', 'carol']);
      expect(h.store.members.list('abc', { includeRemoved: true }).map((m) => m.userId)).toEqual([
        'alice',
        'bob',
        'carol',
      ]);
      expect(h.store.members.countActive('abc')).toBe(2);
      expect(h.store.members.countActive('nothing')).toBe(0);
      expect(h.store.members.list('nothing')).toEqual([]);
    });

    it('threadsOf gives a user’s current and removed memberships, newest thread activity first', () => {
      h.store.threads.put(threadRow('quiet', { createdOn: '2026-01-01T00:00:00.000Z' }));
      h.store.threads.put(threadRow('loud', { lastMessageOn: '2026-03-01T00:00:00.000Z' }));
      h.store.threads.put(threadRow('left', { createdOn: '2026-02-01T00:00:00.000Z' }));
      h.store.members.put(memberRow('quiet', 'bob'));
      h.store.members.put(memberRow('loud', 'bob'));
      h.store.members.put(memberRow('left', 'bob', { removedOn: '2026-02-02T00:00:00.000Z' }));
      h.store.members.put(memberRow('loud', 'carol'));
      const mine = h.store.members.threadsOf('bob');
      expect(mine.map((m) => m.threadId)).toEqual(['loud', 'left', 'quiet']);
      expect(mine.every((m) => m.userId === 'bob')).toBe(true);
      expect(mine[1]!.removedOn).toBe('2026-02-02T00:00:00.000Z');
      expect(h.store.members.threadsOf('nobody')).toEqual([]);
    });

    it('returned rows are copies', () => {
      h.store.members.put(memberRow('abc', 'bob'));
      const got = h.store.members.get('abc', 'bob') as { displayName: string };
      got.displayName = 'changed';
      expect(h.store.members.get('abc', 'bob')?.displayName).toBe('BOB');
    });
  });
}
