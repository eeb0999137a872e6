import type { RelayStore } from '@parley/model';
import { describe, expect, it } from 'vitest';
import type { StoreHarness } from './harness.ts';
import { opRow, receiptRow } from './rows.ts';

/** `RelayStore.ops`, `.receipts` and `.settings`. */
export function smallStoreTests(h: StoreHarness<RelayStore>): void {
  describe('ops', () => {
    it('an op not applied yet is undefined; put then get returns it with its result', () => {
      expect(h.store.ops.get('alice', 'op1')).toBeUndefined();
      const accepted = opRow('alice', 'op1', {
        result: {
          status: 'accepted',
          at: '2026-01-01T00:00:00.000Z',
          threadId: 'abc',
          invalidParticipants: [{ target: 'zed', code: 'NOT_A_MEMBER', message: 'no such user' }],
        },
      });
      const rejected = opRow('alice', 'op2', {
        n: 2,
        result: { status: 'rejected', at: '2026-01-01T00:00:01.000Z', code: 'NOT_A_MEMBER', reason: 'nope' },
      });
      h.store.ops.put(accepted);
      h.store.ops.put(rejected);
      expect(h.store.ops.get('alice', 'op1')).toEqual(accepted);
      expect(h.store.ops.get('alice', 'op2')).toEqual(rejected);
      expect(h.store.ops.get('bob', 'op1')).toBeUndefined();
    });

    it('a returned result is a copy', () => {
      h.store.ops.put(opRow('alice', 'op1'));
      const got = h.store.ops.get('alice', 'op1')!;
      (got.result as { status: string }).status = 'rejected';
      expect(h.store.ops.get('alice', 'op1')?.result.status).toBe('accepted');
    });

    it('lastN is the highest n applied per user and device, 0 when none', () => {
      expect(h.store.ops.lastN('alice', 'd1')).toBe(0);
      h.store.ops.put(opRow('alice', 'a', { device: 'd1', n: 1 }));
      h.store.ops.put(opRow('alice', 'c', { device: 'd1', n: 3 }));
      h.store.ops.put(opRow('alice', 'b', { device: 'd1', n: 2 }));
      h.store.ops.put(opRow('alice', 'x', { device: 'd2', n: 7 }));
      h.store.ops.put(opRow('bob', 'y', { device: 'd1', n: 9 }));
      expect(h.store.ops.lastN('alice', 'd1')).toBe(3);
      expect(h.store.ops.lastN('alice', 'd2')).toBe(7);
      expect(h.store.ops.lastN('bob', 'd1')).toBe(9);
      expect(h.store.ops.lastN('bob', 'd2')).toBe(0);
    });
  });

  describe('receipts', () => {
    it('keep the highest seq per member: a lower or equal one changes nothing', () => {
      h.store.receipts.put(receiptRow('abc', 'bob', 5));
      h.store.receipts.put(receiptRow('abc', 'bob', 3, { readOn: '2026-01-09T00:00:00.000Z' }));
      h.store.receipts.put(
        receiptRow('abc', 'bob', 5, { messageId: 'other', readOn: '2026-01-09T00:00:00.000Z' }),
      );
      expect(h.store.receipts.list('abc')).toEqual([receiptRow('abc', 'bob', 5)]);
      const higher = receiptRow('abc', 'bob', 8, { readOn: '2026-01-02T00:00:00.000Z' });
      h.store.receipts.put(higher);
      expect(h.store.receipts.list('abc')).toEqual([higher]);
    });

    it('list gives one row per member of that thread, by user id', () => {
      h.store.receipts.put(receiptRow('abc', 'carol', 2));
      h.store.receipts.put(receiptRow('abc', 'alice', 4));
      h.store.receipts.put(receiptRow('abc', 'bob', 1));
      h.store.receipts.put(receiptRow('abcd', 'alice', 9));
      expect(h.store.receipts.list('abc').map((r) => [r.userId, r.seq])).toEqual([
        ['alice', 4],
        ['bob', 1],
        ['carol', 2],
      ]);
      expect(h.store.receipts.list('nothing')).toEqual([]);
    });
  });

  describe('settings', () => {
    it('get gives undefined until set; set overwrites', () => {
      expect(h.store.settings.get('k')).toBeUndefined();
      h.store.settings.set('k', 'v1');
      h.store.settings.set('k', 'v2');
      h.store.settings.set('empty', '');
      expect(h.store.settings.get('k')).toBe('v2');
      expect(h.store.settings.get('empty')).toBe('');
      expect(h.store.settings.get('K')).toBeUndefined();
    });
  });
}
