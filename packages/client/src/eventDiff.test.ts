import {
  type MessageRecord,
  writeMember,
  writeMessageFields,
  writeMeta,
  writeNewMessage,
} from '@parley/model';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createEmitter } from './emitter.ts';
import { createEventDiff } from './eventDiff.ts';
import type { ChatEventMap } from './eventTypes.ts';

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

const setup = (floor = 0) => {
  const emitter = createEmitter<ChatEventMap>();
  const log: string[] = [];
  emitter.on('chatMessageReceived', (e) => log.push(`received ${e.id} ${e.message}`));
  emitter.on('chatMessageEdited', (e) => log.push(`edited ${e.id} ${e.message}`));
  emitter.on('chatMessageDeleted', (e) => log.push(`deleted ${e.id}`));
  emitter.on('chatThreadCreated', (e) => log.push(`created ${e.threadId} ${e.properties.topic}`));
  emitter.on('chatThreadPropertiesUpdated', (e) => log.push(`updated ${e.properties.topic}`));
  const diff = createEventDiff({
    userId: 'me',
    emitter,
    floor: () => floor,
    noteSeen: () => {},
    onThreadRecord: () => {},
    onHeadMeta: () => {},
  });
  return { diff, log };
};

describe('event diff', () => {
  it('reports a new message once, then its edit and its deletion', () => {
    const { diff, log } = setup();
    const page = new Y.Doc();
    diff.attachPage(T, `thread:${T}:0`, page);
    writeNewMessage(page, message(1));
    writeMessageFields(page, 'm00000001', { content: 'changed', editedOn: at(5), version: 2 });
    writeMessageFields(page, 'm00000001', { content: '', deletedOn: at(6), version: 3 });
    expect(log).toEqual(['received m00000001 hello 1', 'edited m00000001 changed', 'deleted m00000001']);
  });

  it('does not repeat what a doc held when loaded, nor what a reset doc syncs again', () => {
    const { diff, log } = setup();
    const stored = new Y.Doc();
    writeNewMessage(stored, message(1));
    const detach = diff.attachPage(T, `thread:${T}:0`, stored);
    writeNewMessage(stored, message(2));
    detach();
    // Reset: a fresh doc syncs the same state again, plus one new message.
    const fresh = new Y.Doc();
    diff.attachPage(T, `thread:${T}:0`, fresh);
    Y.applyUpdate(fresh, Y.encodeStateAsUpdate(stored));
    writeNewMessage(fresh, message(3));
    expect(log).toEqual(['received m00000002 hello 2', 'received m00000003 hello 3']);
  });

  it('treats messages at or below the floor as history', () => {
    const { diff, log } = setup(5);
    const page = new Y.Doc();
    diff.attachPage(T, `thread:${T}:0`, page);
    writeNewMessage(page, message(4));
    writeNewMessage(page, message(6));
    expect(log).toEqual(['received m00000006 hello 6']);
  });

  it('reports a thread created with this user, and later topic changes', () => {
    const { diff, log } = setup();
    const head = new Y.Doc();
    diff.attachHead(T, head);
    head.transact(() => {
      writeMeta(head, { id: T, topic: 'hi', createdBy: 'bob', createdOn: at(0), lastSeq: 0, currentPage: 0 });
      writeMember(head, {
        id: 'me',
        displayName: 'Me',
        role: 'member',
        addedBy: 'bob',
        addedOn: at(0),
        fromSeq: 1,
        generation: 1,
      });
    });
    writeMeta(head, { topic: 'renamed' });
    writeMeta(head, { lastSeq: 3 });
    expect(log).toEqual([`created ${T} hi`, 'updated renamed']);
  });
});
