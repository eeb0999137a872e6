import type { MemberRow, MessageRow, OpRow, ReceiptRow, ThreadRow } from '@parley/model';

/** Builders of valid rows for the conformance suites; override what a test is about. */

export function threadRow(id: string, overrides: Partial<ThreadRow> = {}): ThreadRow {
  return {
    id,
    topic: `topic of ${id}`,
    createdBy: 'alice',
    createdOn: '2026-01-01T00:00:00.000Z',
    deletedOn: null,
    lastMessageOn: null,
    lastSeq: 0,
    currentPage: 0,
    idempotencyKey: null,
    ...overrides,
  };
}

export function memberRow(threadId: string, userId: string, overrides: Partial<MemberRow> = {}): MemberRow {
  return {
    threadId,
    userId,
    displayName: userId.toUpperCase(),
    role: 'member',
    addedBy: 'alice',
    addedOn: '2026-01-01T00:00:00.000Z',
    fromSeq: 0,
    generation: 0,
    removedOn: null,
    ...overrides,
  };
}

export function messageRow(threadId: string, seq: number, overrides: Partial<MessageRow> = {}): MessageRow {
  return {
    threadId,
    messageId: `m${seq}`,
    page: 0,
    seq,
    sender: 'alice',
    type: 'text',
    priority: 'normal',
    createdOn: `2026-01-01T00:00:${String(seq % 60).padStart(2, '0')}.000Z`,
    deletedOn: null,
    ...overrides,
  };
}

export function opRow(userId: string, opId: string, overrides: Partial<OpRow> = {}): OpRow {
  return {
    userId,
    opId,
    device: 'd1',
    n: 1,
    result: { status: 'accepted', at: '2026-01-01T00:00:00.000Z', threadId: 'abc', seq: 1 },
    ...overrides,
  };
}

export function receiptRow(
  threadId: string,
  userId: string,
  seq: number,
  overrides: Partial<ReceiptRow> = {},
): ReceiptRow {
  return { threadId, userId, messageId: `m${seq}`, seq, readOn: '2026-01-01T00:01:00.000Z', ...overrides };
}
