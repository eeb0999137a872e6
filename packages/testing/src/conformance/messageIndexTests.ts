import type { RelayStore } from '@parley/model';
import { describe, expect, it } from 'vitest';
import type { StoreHarness } from './harness.ts';
import { messageRow } from './rows.ts';

/** `RelayStore.messages`: the message index and usage. */
export function messageIndexTests(h: StoreHarness<RelayStore>): void {
  const putSeqs = (threadId: string, seqs: readonly number[]) => {
    for (const seq of seqs) h.store.messages.put(messageRow(threadId, seq));
  };
  const seqsOf = (rows: readonly { seq: number }[]) => rows.map((r) => r.seq);

  describe('messages', () => {
    it('put then get returns the row; put replaces an existing id', () => {
      const row = messageRow('abc', 1, { sender: null, type: 'topicUpdated', page: 3, priority: 'high' });
      h.store.messages.put(row);
      expect(h.store.messages.get('abc', 'm1')).toEqual(row);
      expect(h.store.messages.get('abcd', 'm1')).toBeUndefined();
      expect(h.store.messages.get('abc', 'm2')).toBeUndefined();
      const deleted = messageRow('abc', 1, { deletedOn: '2026-01-02T00:00:00.000Z' });
      h.store.messages.put(deleted);
      expect(h.store.messages.get('abc', 'm1')).toEqual(deleted);
      expect(h.store.messages.list('abc')).toHaveLength(1);
    });

    it('list gives a thread’s rows newest first by default and oldest first when asked', () => {
      putSeqs('abc', [3, 1, 5, 2, 4]);
      putSeqs('abcd', [6]);
      expect(seqsOf(h.store.messages.list('abc'))).toEqual([5, 4, 3, 2, 1]);
      expect(seqsOf(h.store.messages.list('abc', { order: 'desc' }))).toEqual([5, 4, 3, 2, 1]);
      expect(seqsOf(h.store.messages.list('abc', { order: 'asc' }))).toEqual([1, 2, 3, 4, 5]);
      expect(h.store.messages.list('nothing')).toEqual([]);
    });

    it('list honours beforeSeq and afterSeq (both exclusive) and limit, in either order', () => {
      putSeqs('abc', [1, 2, 3, 4, 5, 6, 7, 8]);
      expect(seqsOf(h.store.messages.list('abc', { beforeSeq: 6, limit: 2 }))).toEqual([5, 4]);
      expect(seqsOf(h.store.messages.list('abc', { afterSeq: 6 }))).toEqual([8, 7]);
      expect(seqsOf(h.store.messages.list('abc', { afterSeq: 2, order: 'asc', limit: 3 }))).toEqual([
        3, 4, 5,
      ]);
      expect(seqsOf(h.store.messages.list('abc', { afterSeq: 2, beforeSeq: 5, order: 'asc' }))).toEqual([
        3, 4,
      ]);
      expect(seqsOf(h.store.messages.list('abc', { afterSeq: 2, beforeSeq: 5 }))).toEqual([4, 3]);
      expect(h.store.messages.list('abc', { afterSeq: 4, beforeSeq: 5 })).toEqual([]);
      expect(seqsOf(h.store.messages.list('abc', { limit: 1 }))).toEqual([8]);
      expect(h.store.messages.list('abc', { limit: 0 })).toEqual([]);
      expect(seqsOf(h.store.messages.list('abc', { beforeSeq: 1 }))).toEqual([]);
    });

    it('firstSeqAtOrAfter finds the first seq at or after a time, or undefined', () => {
      h.store.messages.put(messageRow('abc', 1, { createdOn: '2026-01-01T00:00:00.000Z' }));
      h.store.messages.put(messageRow('abc', 2, { createdOn: '2026-01-01T00:00:10.000Z' }));
      h.store.messages.put(messageRow('abc', 3, { createdOn: '2026-01-01T00:00:20.000Z' }));
      h.store.messages.put(messageRow('abcd', 9, { createdOn: '2026-01-01T00:00:05.000Z' }));
      expect(h.store.messages.firstSeqAtOrAfter('abc', '2025-12-31T00:00:00.000Z')).toBe(1);
      expect(h.store.messages.firstSeqAtOrAfter('abc', '2026-01-01T00:00:10.000Z')).toBe(2);
      expect(h.store.messages.firstSeqAtOrAfter('abc', '2026-01-01T00:00:05.000Z')).toBe(2);
      expect(h.store.messages.firstSeqAtOrAfter('abc', '2026-01-01T00:00:20.001Z')).toBeUndefined();
      expect(h.store.messages.firstSeqAtOrAfter('nothing', '2000-01-01T00:00:00.000Z')).toBeUndefined();
    });

    it('usage counts user messages per day, thread and sender in [from, to)', () => {
      const at = (day: number, hour: number) => `2026-01-0${day}T${String(hour).padStart(2, '0')}:00:00.000Z`;
      const put = (threadId: string, seq: number, createdOn: string, sender: string | null, type = 'text') =>
        h.store.messages.put(messageRow(threadId, seq, { createdOn, sender, type }));
      put('abc', 1, at(1, 9), 'alice');
      put('abc', 2, at(1, 10), 'alice', 'html');
      put('abc', 3, at(1, 11), 'bob');
      put('abc', 4, at(1, 12), null, 'participantAdded');
      put('abc', 5, at(1, 13), 'alice', 'topicUpdated');
      put('abc', 6, at(2, 9), 'alice');
      put('xyz', 1, at(1, 9), 'alice');
      put('abc', 7, at(3, 0), 'alice'); // exactly `to`: left out
      put('abc', 8, at(1, 0), 'carol'); // exactly `from`: counted
      h.store.messages.put(messageRow('abc', 9, { createdOn: at(1, 14), deletedOn: at(1, 15) }));
      expect(h.store.messages.usage(at(1, 0), at(3, 0))).toEqual([
        { day: '2026-01-01', threadId: 'abc', userId: 'alice', messages: 3 },
        { day: '2026-01-01', threadId: 'abc', userId: 'bob', messages: 1 },
        { day: '2026-01-01', threadId: 'abc', userId: 'carol', messages: 1 },
        { day: '2026-01-01', threadId: 'xyz', userId: 'alice', messages: 1 },
        { day: '2026-01-02', threadId: 'abc', userId: 'alice', messages: 1 },
      ]);
      expect(h.store.messages.usage(at(5, 0), at(6, 0))).toEqual([]);
    });
  });
}
