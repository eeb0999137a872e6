import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { OpEnvelope, OpResult } from './ops.ts';
import type { MemberRecord, MessageRecord, PageRecord, ReceiptRecord, UserThreadRecord } from './records.ts';
import {
  deleteMember,
  readMember,
  readMembers,
  readMessage,
  readMessages,
  readMeta,
  readOps,
  readPages,
  readReceipts,
  readResult,
  readUserThreads,
  stripUndefined,
  writeMember,
  writeMessageFields,
  writeMeta,
  writeNewMessage,
  writeOp,
  writePage,
  writeReceipt,
  writeResult,
  writeUserThread,
} from './schema.ts';
import { validateEnvelope } from './validate.ts';

/** A fresh doc built only from `source`'s encoded state, as a peer would receive it. */
const synced = (source: Y.Doc): Y.Doc => {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(source));
  return copy;
};

const T = 'Thread_0123456789';

const message: MessageRecord = {
  id: 'msg-0123456789',
  seq: 7,
  type: 'html',
  sender: '8:acs:abc:def',
  senderDisplayName: 'Ålice 👩🏽‍💻',
  content: '<p>héllo 👨‍👩‍👧‍👦 مرحبا עולם</p>',
  priority: 'high',
  metadata: { k: 'v' },
  replyTo: 'msg-earlier01',
  reactions: { '👍🏽': ['8:acs:abc:def', 'bob'] },
  createdOn: '2024-05-01T10:00:00.000Z',
  version: 1,
};

const member: MemberRecord = {
  id: '8:acs:abc:def',
  displayName: 'Alice',
  role: 'owner',
  addedBy: '8:acs:abc:def',
  addedOn: '2024-05-01T09:00:00.000Z',
  fromSeq: 1,
  generation: 0,
  metadata: { team: 'blue' },
};

describe('schema accessors through a synced Y.Doc', () => {
  it('a message round-trips field for field, content byte-exact', () => {
    const relay = new Y.Doc();
    writeNewMessage(relay, message);
    const client = synced(relay);
    const read = readMessage(client, message.id);
    expect(read).toEqual(message);
    expect(new TextEncoder().encode(read?.content)).toEqual(new TextEncoder().encode(message.content));
    expect(readMessages(client)).toEqual([message]);
  });

  it('an edit and a delete are seen after sync, and a missing message is undefined', () => {
    const relay = new Y.Doc();
    writeNewMessage(relay, message);
    writeNewMessage(relay, { ...message, id: 'msg-second001', seq: 3, reactions: undefined });
    const client = synced(relay);
    expect(writeMessageFields(relay, message.id, { content: 'edited', editedOn: 'E', version: 2 })).toBe(
      true,
    );
    Y.applyUpdate(client, Y.encodeStateAsUpdate(relay, Y.encodeStateVector(client)));
    expect(readMessage(client, message.id)).toMatchObject({ content: 'edited', editedOn: 'E', version: 2 });
    writeMessageFields(relay, message.id, { content: '', deletedOn: 'D', metadata: undefined });
    const later = synced(relay);
    const deleted = readMessage(later, message.id);
    expect(deleted).toMatchObject({ content: '', deletedOn: 'D' });
    expect(deleted).not.toHaveProperty('metadata');
    expect(readMessages(later).map((m) => m.seq)).toEqual([3, 7]);
    expect(readMessage(later, 'msg-missing00')).toBeUndefined();
    expect(writeMessageFields(relay, 'msg-missing00', { content: 'x' })).toBe(false);
  });

  it('a member round-trips, members list in join order, and deletion syncs', () => {
    const relay = new Y.Doc();
    writeMember(relay, member);
    const bob: MemberRecord = { ...member, id: 'bob', role: 'member', addedOn: '2024-05-01T09:30:00.000Z' };
    writeMember(relay, { ...bob, shareHistoryTime: undefined });
    const client = synced(relay);
    expect(readMember(client, member.id)).toEqual(member);
    expect(readMember(client, 'bob')).toEqual(bob);
    expect(readMember(client, 'bob')).not.toHaveProperty('shareHistoryTime');
    expect(readMembers(client).map((m) => m.id)).toEqual([member.id, 'bob']);
    deleteMember(relay, 'bob');
    expect(readMembers(synced(relay)).map((m) => m.id)).toEqual([member.id]);
  });

  it('page records and receipts round-trip in order', () => {
    const relay = new Y.Doc();
    const pages: PageRecord[] = [
      { page: 1, firstSeq: 1001, lastSeq: 1500, count: 500 },
      { page: 0, firstSeq: 1, lastSeq: 1000, count: 1000 },
    ];
    for (const p of pages) writePage(relay, p);
    const receipts: ReceiptRecord[] = [
      { userId: 'a', messageId: 'msg-0000000001', seq: 4, readOn: 'R1' },
      { userId: 'b', messageId: 'msg-0000000002', seq: 9, readOn: 'R2' },
    ];
    for (const r of receipts) writeReceipt(relay, r);
    const client = synced(relay);
    expect(readPages(client)).toEqual([pages[1], pages[0]]);
    expect(readReceipts(client)).toEqual([receipts[1], receipts[0]]);
  });

  it('thread meta round-trips and undefined fields delete', () => {
    const relay = new Y.Doc();
    expect(readMeta(relay)).toBeUndefined();
    writeMeta(relay, {
      id: T,
      topic: 'Lunch 🍜',
      createdBy: 'a',
      createdOn: 'C',
      metadata: { x: 'y' },
      lastSeq: 3,
      currentPage: 0,
    });
    expect(readMeta(synced(relay))).toEqual({
      id: T,
      topic: 'Lunch 🍜',
      createdBy: 'a',
      createdOn: 'C',
      metadata: { x: 'y' },
      lastSeq: 3,
      currentPage: 0,
    });
    writeMeta(relay, { metadata: undefined, deletedOn: 'D' });
    const meta = readMeta(synced(relay));
    expect(meta).toMatchObject({ deletedOn: 'D' });
    expect(meta).not.toHaveProperty('metadata');
  });

  it('an op and its result round-trip through the user doc, and the op still validates', () => {
    const device = new Y.Doc();
    const op: OpEnvelope = {
      id: 'op_00000000001',
      device: 'laptop',
      n: 1,
      createdOn: '2024-05-01T10:00:00.000Z',
      op: {
        type: 'sendMessage',
        threadId: T,
        messageId: message.id,
        content: 'hi 👋🏾 שלום',
        messageType: 'text',
        priority: undefined,
      },
    };
    writeOp(device, op);
    writeOp(device, { ...op, id: 'op_00000000000', device: 'laptop', n: 2 });
    writeOp(device, { ...op, id: 'op_00000000002', device: 'phone', n: 1 });
    const relay = synced(device);
    const ops = readOps(relay);
    expect(ops.map((o) => [o.device, o.n])).toEqual([
      ['laptop', 1],
      ['laptop', 2],
      ['phone', 1],
    ]);
    const first = ops[0];
    expect(first).toEqual(stripUndefined(op));
    expect(first && 'priority' in first.op).toBe(false);
    expect(validateEnvelope(first)).toEqual(stripUndefined(op));

    const accepted: OpResult = { status: 'accepted', at: 'A', threadId: T, messageId: message.id, seq: 8 };
    const rejected: OpResult = { status: 'rejected', at: 'B', code: 'NOT_A_MEMBER', reason: 'not in thread' };
    writeResult(relay, op.id, accepted);
    writeResult(relay, 'op_00000000002', rejected);
    const back = synced(relay);
    expect(readResult(back, op.id)).toEqual(accepted);
    expect(readResult(back, 'op_00000000002')).toEqual(rejected);
    expect(readResult(back, 'op_missing000')).toBeUndefined();
  });

  it('user thread records round-trip', () => {
    const relay = new Y.Doc();
    const rec: UserThreadRecord = {
      id: T,
      topic: 't',
      role: 'member',
      joinedOn: 'J',
      fromSeq: 5,
      generation: 1,
    };
    writeUserThread(relay, { ...rec, removedOn: undefined });
    expect(readUserThreads(synced(relay))).toEqual([rec]);
  });

  it('stripUndefined drops undefined keys deeply in plain objects and arrays only', () => {
    const date = new Date(0);
    expect(
      stripUndefined({ a: 1, b: undefined, c: { d: undefined, e: [{ f: undefined, g: 2 }] }, date }),
    ).toEqual({
      a: 1,
      c: { e: [{ g: 2 }] },
      date,
    });
  });
});
