import {
  type MessageRecord,
  writeMember,
  writeMeta,
  writeNewMessage,
  writePage,
  writeResult,
  writeUserThread,
} from '@parley/model';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  threadItems,
  threadMessages,
  threadParticipants,
  threadProperties,
  type ViewSource,
} from './localView.ts';
import { indexOps } from './opIndex.ts';
import { createOpWriter } from './opQueue.ts';

const T = 'thread-aaaaaaaa';
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();

const message = (seq: number, fields: Partial<MessageRecord> = {}): MessageRecord => ({
  id: `m${String(seq).padStart(8, '0')}`,
  seq,
  type: 'text',
  sender: 'bob',
  content: `hello ${seq}`,
  priority: 'normal',
  createdOn: at(seq),
  version: 1,
  ...fields,
});

const setup = () => {
  const user = new Y.Doc();
  const head = new Y.Doc();
  const page = new Y.Doc();
  writeMeta(head, {
    id: T,
    topic: 'topic',
    createdBy: 'bob',
    createdOn: at(0),
    lastSeq: 2,
    currentPage: 0,
    lastMessageOn: at(2),
  });
  writePage(head, { page: 0, firstSeq: 1, lastSeq: 2, count: 2 });
  writeMember(head, {
    id: 'bob',
    displayName: 'Bob',
    role: 'owner',
    addedBy: 'bob',
    addedOn: at(0),
    fromSeq: 1,
    generation: 1,
  });
  writeMember(head, {
    id: 'me',
    displayName: 'Me',
    role: 'member',
    addedBy: 'bob',
    addedOn: at(0),
    fromSeq: 1,
    generation: 1,
  });
  writeUserThread(user, {
    id: T,
    topic: 'topic',
    role: 'member',
    joinedOn: at(0),
    fromSeq: 1,
    generation: 1,
  });
  writeNewMessage(page, message(1));
  writeNewMessage(page, message(2, { sender: 'me' }));
  const writer = createOpWriter({ deviceId: 'dev', userDoc: () => user, now: () => Date.UTC(2026, 0, 1, 1) });
  const src = (): ViewSource => ({
    userId: 'me',
    userDoc: user,
    head: (t) => (t === T ? head : undefined),
    page: (_t, p) => (p === 0 ? page : undefined),
    ops: indexOps(user, new Set()),
  });
  return { user, head, page, writer, src };
};

describe('local view', () => {
  it('lists relay messages newest first with string sequence ids, pending ones on top', () => {
    const { writer, src } = setup();
    writer.write({
      type: 'sendMessage',
      threadId: T,
      messageId: 'pending-0001',
      content: 'on my way',
      messageType: 'text',
      priority: 'high',
    });
    const list = threadMessages(src(), T, [0]);
    expect(list.map((m) => [m.id, m.sequenceId, m.status])).toEqual([
      ['pending-0001', '', 'pending'],
      ['m00000002', '2', 'sent'],
      ['m00000001', '1', 'sent'],
    ]);
    expect(list[0]?.priority).toBe('high');
    expect(list[1]?.sender).toEqual({ kind: 'communicationUser', communicationUserId: 'me' });
  });

  it('shows a rejected send as failed with its code, and an accepted one by its seq before its page syncs', () => {
    const { user, writer, src } = setup();
    const bad = writer.write({
      type: 'sendMessage',
      threadId: T,
      messageId: 'rejected-01',
      content: 'x',
      messageType: 'text',
    });
    const good = writer.write({
      type: 'sendMessage',
      threadId: T,
      messageId: 'accepted-01',
      content: 'y',
      messageType: 'text',
    });
    writeResult(user, bad.id, { status: 'rejected', at: at(5), code: 'NOT_A_MEMBER', reason: 'removed' });
    writeResult(user, good.id, {
      status: 'accepted',
      at: at(6),
      seq: 3,
      messageId: 'accepted-01',
      threadId: T,
    });
    const list = threadMessages(src(), T, [0]);
    expect(list.map((m) => [m.id, m.sequenceId, m.status])).toEqual([
      ['rejected-01', '', 'failed'],
      ['accepted-01', '3', 'sent'],
      ['m00000002', '2', 'sent'],
      ['m00000001', '1', 'sent'],
    ]);
    expect(list[0]?.error).toEqual({ code: 'NOT_A_MEMBER', message: 'removed' });
  });

  it('applies pending edits and deletes, and keeps deleted messages with deletedOn', () => {
    const { page, writer, src } = setup();
    writeNewMessage(page, message(3, { sender: 'me', deletedOn: at(9), content: '' }));
    writer.write({ type: 'editMessage', threadId: T, messageId: 'm00000002', content: 'edited' });
    writer.write({ type: 'deleteMessage', threadId: T, messageId: 'm00000001' });
    const byId = new Map(threadMessages(src(), T, [0]).map((m) => [m.id, m]));
    expect(byId.get('m00000002')?.content?.message).toBe('edited');
    expect(byId.get('m00000002')?.editedOn).toBeInstanceOf(Date);
    expect(byId.get('m00000001')?.deletedOn).toBeInstanceOf(Date);
    expect(byId.get('m00000001')?.content?.message).toBe('');
    expect(byId.get('m00000003')?.deletedOn?.toISOString()).toBe(at(9));
    expect(byId.get('m00000003')?.version).toBe(String(Date.parse(at(9))));
  });

  it('overlays pending thread updates, participant changes and creations', () => {
    const { writer, src } = setup();
    writer.write({ type: 'updateThread', threadId: T, topic: 'new topic' });
    writer.write({
      type: 'addParticipants',
      threadId: T,
      participants: [{ id: 'carol', displayName: 'Carol' }],
    });
    writer.write({ type: 'removeParticipant', threadId: T, userId: 'bob' });
    writer.write({
      type: 'createThread',
      threadId: 'thread-bbbbbbbb',
      topic: 'offline thread',
      participants: [],
    });
    expect(threadProperties(src(), T)?.topic).toBe('new topic');
    expect(
      threadParticipants(src(), T).map((p) => (p.id as { communicationUserId: string }).communicationUserId),
    ).toEqual(['me', 'carol']);
    const items = threadItems(src());
    // The thread made offline (created at 01:00) is newer than T's last message (00:00:02).
    expect(items.map((i) => [i.id, i.topic])).toEqual([
      ['thread-bbbbbbbb', 'offline thread'],
      [T, 'new topic'],
    ]);
    expect(items[1]?.lastMessageReceivedOn?.toISOString()).toBe(at(2));
    expect(items[1]?.unreadCount).toBe(1);
  });
});
