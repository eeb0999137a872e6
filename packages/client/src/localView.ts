import {
  type MemberRecord,
  type MessageRecord,
  readMembers,
  readMessages,
  readMeta,
  readPages,
  readReceipts,
  threadsMap,
  type UserThreadRecord,
} from '@parley/model';
import type * as Y from 'yjs';
import { userKind } from './identifiers.ts';
import type { OpIndex, OpState } from './opIndex.ts';
import type {
  ChatMessage,
  ChatMessageReadReceipt,
  ChatParticipant,
  ChatThreadItem,
  ChatThreadProperties,
} from './types.ts';

/** What local reads need: the user doc, loaded thread docs and the op index. */
export interface ViewSource {
  readonly userId: string;
  readonly userDoc: Y.Doc;
  head(threadId: string): Y.Doc | undefined;
  page(threadId: string, page: number): Y.Doc | undefined;
  readonly ops: OpIndex;
}

const date = (iso: string | undefined): Date | undefined => (iso ? new Date(iso) : undefined);
const epoch = (iso: string | undefined): number => (iso ? Date.parse(iso) || 0 : 0);

/** ACS's `version`: epoch-ms of the last change (creation, edit or delete). */
export const versionOf = (m: { createdOn: string; editedOn?: string; deletedOn?: string }): string =>
  String(Math.max(epoch(m.createdOn), epoch(m.editedOn), epoch(m.deletedOn)));

/** A stored message as ACS's `ChatMessage` (status `sent`: the relay has numbered it). */
export const toChatMessage = (m: MessageRecord): ChatMessage => {
  const out: ChatMessage = {
    id: m.id,
    type: m.type,
    sequenceId: String(m.seq),
    version: versionOf(m),
    createdOn: new Date(m.createdOn),
    priority: m.priority,
    status: 'sent',
  };
  if (m.type === 'text' || m.type === 'html') out.content = { message: m.content };
  else {
    out.content = {};
    if (m.system?.topic !== undefined) out.content.topic = m.system.topic;
    if (m.system?.participants)
      out.content.participants = m.system.participants.map((p) => ({
        id: { communicationUserId: p.id },
        ...(p.displayName !== undefined ? { displayName: p.displayName } : {}),
        ...(p.shareHistoryTime ? { shareHistoryTime: new Date(p.shareHistoryTime) } : {}),
      }));
    if (m.system?.initiator) out.content.initiator = userKind(m.system.initiator);
  }
  if (m.sender) out.sender = userKind(m.sender);
  if (m.senderDisplayName !== undefined) out.senderDisplayName = m.senderDisplayName;
  if (m.deletedOn) {
    out.deletedOn = new Date(m.deletedOn);
    out.content = m.type === 'text' || m.type === 'html' ? { message: '' } : out.content;
  }
  if (m.editedOn) out.editedOn = new Date(m.editedOn);
  if (m.metadata) out.metadata = { ...m.metadata };
  return out;
};

/** A message known only from its intent (pending, failed, or accepted but its page not synced yet). */
const fromSendOp = (s: OpState, userId: string): ChatMessage | undefined => {
  const op = s.envelope.op;
  if (op.type !== 'sendMessage') return undefined;
  const accepted = s.result?.status === 'accepted' ? s.result : undefined;
  const createdOn = accepted?.at ?? s.envelope.createdOn;
  const out: ChatMessage = {
    id: op.messageId,
    type: op.messageType,
    sequenceId: accepted?.seq !== undefined ? String(accepted.seq) : '',
    version: String(epoch(createdOn)),
    content: { message: op.content },
    createdOn: new Date(createdOn),
    sender: userKind(userId),
    priority: op.priority ?? 'normal',
    status: s.status,
  };
  if (op.senderDisplayName !== undefined) out.senderDisplayName = op.senderDisplayName;
  if (op.metadata) out.metadata = { ...op.metadata };
  if (s.error) out.error = s.error;
  return out;
};

/** Applies this user's not-yet-answered edits and deletes to a message. */
const overlay = (m: ChatMessage, ops: readonly OpState[]): ChatMessage => {
  let out = m;
  for (const s of ops) {
    const op = s.envelope.op;
    if (s.result || !('messageId' in op) || op.messageId !== m.id) continue;
    if (op.type === 'editMessage' && !out.deletedOn) {
      out = {
        ...out,
        editedOn: new Date(s.envelope.createdOn),
        version: String(epoch(s.envelope.createdOn)),
      };
      if (op.content !== undefined) out.content = { ...out.content, message: op.content };
      if (op.metadata !== undefined) out.metadata = { ...op.metadata };
    } else if (op.type === 'deleteMessage') {
      out = {
        ...out,
        deletedOn: new Date(s.envelope.createdOn),
        content: { message: '' },
        version: String(epoch(s.envelope.createdOn)),
      };
    }
  }
  return out;
};

/** Relay-numbered messages of the loaded pages of a thread, by seq ascending. */
export const loadedMessages = (
  src: ViewSource,
  threadId: string,
  pages: readonly number[],
): MessageRecord[] => {
  const out: MessageRecord[] = [];
  for (const p of pages) {
    const doc = src.page(threadId, p);
    if (doc) out.push(...readMessages(doc));
  }
  return out;
};

/**
 * The thread's messages as the user should see them now, newest first: relay messages from the
 * given pages, plus messages known only from intents (pending and failed first, as the newest).
 */
export const threadMessages = (
  src: ViewSource,
  threadId: string,
  pages: readonly number[],
): ChatMessage[] => {
  const ops = src.ops.forThread(threadId);
  const records = loadedMessages(src, threadId, pages);
  const seen = new Set(records.map((r) => r.id));
  const numbered: ChatMessage[] = records.map((r) => overlay(toChatMessage(r), ops));
  const unnumbered: ChatMessage[] = [];
  const handled = new Set<string>();
  // A member re-added without (full) history no longer sees messages before its new fromSeq —
  // its own accepted sends included, or its devices would not converge to the relay's view.
  const record = membership(src, threadId);
  const fromSeq = record && !record.removedOn ? record.fromSeq : 1;
  for (const s of ops) {
    const op = s.envelope.op;
    if (op.type !== 'sendMessage' || seen.has(op.messageId) || handled.has(op.messageId)) continue;
    handled.add(op.messageId);
    const latest = src.ops.sendOf(threadId, op.messageId);
    const m = latest && fromSendOp(latest, src.userId);
    if (!m) continue;
    if (m.sequenceId && Number(m.sequenceId) < fromSeq) continue;
    if (m.sequenceId) numbered.push(overlay(m, ops));
    else unnumbered.push(overlay(m, ops));
  }
  numbered.sort((a, b) => Number(b.sequenceId) - Number(a.sequenceId));
  unnumbered.sort((a, b) => b.createdOn.getTime() - a.createdOn.getTime());
  return [...unnumbered, ...numbered];
};

/** The user's membership record for a thread, if the relay listed it. */
export const membership = (src: ViewSource, threadId: string): UserThreadRecord | undefined =>
  threadsMap(src.userDoc).get(threadId);

const pendingCreate = (src: ViewSource, threadId: string): OpState | undefined =>
  src.ops
    .forThread(threadId)
    .find((s) => s.envelope.op.type === 'createThread' && s.result?.status !== 'rejected');

/** ACS `ChatThreadProperties` from the head doc (or the pending create) with pending updates applied. */
export const threadProperties = (src: ViewSource, threadId: string): ChatThreadProperties | undefined => {
  const head = src.head(threadId);
  const meta = head ? readMeta(head) : undefined;
  const record = membership(src, threadId);
  let props: ChatThreadProperties | undefined;
  if (meta) {
    props = { id: threadId, topic: meta.topic, createdOn: new Date(meta.createdOn) };
    if (meta.createdBy) props.createdBy = userKind(meta.createdBy);
    if (meta.metadata) props.metadata = { ...meta.metadata };
    if (meta.deletedOn) props.deletedOn = new Date(meta.deletedOn);
  } else {
    const create = pendingCreate(src, threadId);
    if (create && create.envelope.op.type === 'createThread') {
      const op = create.envelope.op;
      props = {
        id: threadId,
        topic: op.topic,
        createdOn: new Date(create.envelope.createdOn),
        createdBy: userKind(src.userId),
      };
      if (op.metadata) props.metadata = { ...op.metadata };
    } else if (record) {
      props = { id: threadId, topic: record.topic, createdOn: new Date(record.joinedOn) };
    }
  }
  if (!props) return undefined;
  if (record?.deletedOn && !props.deletedOn) props.deletedOn = new Date(record.deletedOn);
  for (const s of src.ops.forThread(threadId)) {
    const op = s.envelope.op;
    if (s.result) continue;
    if (op.type === 'updateThread') {
      if (op.topic !== undefined) props.topic = op.topic;
      if (op.metadata !== undefined) props.metadata = { ...op.metadata };
    } else if (op.type === 'deleteThread') props.deletedOn = new Date(s.envelope.createdOn);
  }
  return props;
};

/** Thread ids the user knows: memberships listed by the relay plus pending creates. */
export const knownThreadIds = (src: ViewSource): string[] => {
  const ids = new Set(threadsMap(src.userDoc).keys());
  for (const s of src.ops.all)
    if (s.envelope.op.type === 'createThread' && s.result?.status !== 'rejected')
      ids.add(s.envelope.op.threadId);
  return [...ids];
};

/** The user's read position in a thread (receipt seq, or pending receipt). */
const ownReadSeq = (src: ViewSource, threadId: string): number => {
  const head = src.head(threadId);
  const receipt = head ? readReceipts(head).find((r) => r.userId === src.userId) : undefined;
  return receipt?.seq ?? 0;
};

/** ACS `ChatThreadItem` list entries, most recent activity first. */
export const threadItems = (src: ViewSource): ChatThreadItem[] => {
  const items: ChatThreadItem[] = [];
  const created = new Map<string, Date>();
  for (const id of knownThreadIds(src)) {
    const props = threadProperties(src, id);
    if (!props) continue;
    created.set(id, props.createdOn);
    const head = src.head(id);
    const meta = head ? readMeta(head) : undefined;
    const item: ChatThreadItem = { id, topic: props.topic };
    if (props.deletedOn) item.deletedOn = props.deletedOn;
    const last = date(meta?.lastMessageOn);
    if (last) item.lastMessageReceivedOn = last;
    if (meta) item.unreadCount = unreadCount(src, id, meta.lastSeq, meta.currentPage);
    items.push(item);
  }
  const activity = (i: ChatThreadItem) =>
    (i.lastMessageReceivedOn ?? created.get(i.id) ?? new Date(0)).getTime();
  return items.sort((a, b) => activity(b) - activity(a) || a.id.localeCompare(b.id));
};

const unreadCount = (src: ViewSource, threadId: string, lastSeq: number, currentPage: number): number => {
  const readSeq = ownReadSeq(src, threadId);
  const page = src.page(threadId, currentPage);
  const messages = page ? readMessages(page) : [];
  if (messages.length > 0 && (messages[0]?.seq ?? Infinity) <= readSeq + 1) {
    return messages.filter(
      (m) =>
        m.seq > readSeq &&
        m.sender !== src.userId &&
        (m.type === 'text' || m.type === 'html') &&
        !m.deletedOn,
    ).length;
  }
  return Math.max(0, lastSeq - readSeq);
};

const toParticipant = (m: MemberRecord): ChatParticipant => {
  const p: ChatParticipant = { id: { communicationUserId: m.id }, displayName: m.displayName };
  if (m.shareHistoryTime) p.shareHistoryTime = new Date(m.shareHistoryTime);
  if (m.metadata) p.metadata = { ...m.metadata };
  return p;
};

/** Members from the head doc, with this user's pending adds and removes applied. */
export const threadParticipants = (src: ViewSource, threadId: string): ChatParticipant[] => {
  const doc = src.head(threadId);
  const head = doc && readMeta(doc) ? doc : undefined;
  const list = new Map<string, ChatParticipant>();
  if (head) for (const m of readMembers(head)) list.set(m.id, toParticipant(m));
  for (const s of src.ops.forThread(threadId)) {
    const op = s.envelope.op;
    if (s.result && !(op.type === 'createThread' && !head && s.result.status === 'accepted')) continue;
    if (op.type === 'createThread' && !head) {
      list.set(src.userId, { id: { communicationUserId: src.userId } });
      for (const p of op.participants)
        list.set(p.id, { id: { communicationUserId: p.id }, ...named(p.displayName) });
    } else if (op.type === 'addParticipants') {
      for (const p of op.participants)
        list.set(p.id, { id: { communicationUserId: p.id }, ...named(p.displayName) });
    } else if (op.type === 'removeParticipant') list.delete(op.userId);
  }
  return [...list.values()];
};

const named = (displayName: string | undefined) => (displayName !== undefined ? { displayName } : {});

/** Read receipts: the relay's persisted high-water marks merged with live ones (newest first). */
export const threadReceipts = (
  src: ViewSource,
  threadId: string,
  live: ReadonlyMap<string, { messageId: string; seq: number; at: number }>,
): ChatMessageReadReceipt[] => {
  const head = src.head(threadId);
  const best = new Map<string, { messageId: string; seq: number; readOn: Date }>();
  if (head)
    for (const r of readReceipts(head))
      best.set(r.userId, { messageId: r.messageId, seq: r.seq, readOn: new Date(r.readOn) });
  for (const [userId, r] of live) {
    const cur = best.get(userId);
    if (!cur || r.seq > cur.seq)
      best.set(userId, { messageId: r.messageId, seq: r.seq, readOn: new Date(r.at) });
  }
  return [...best.entries()]
    .sort((a, b) => b[1].seq - a[1].seq || a[0].localeCompare(b[0]))
    .map(([userId, r]) => ({ sender: userKind(userId), chatMessageId: r.messageId, readOn: r.readOn }));
};

/** Page numbers of a thread, newest first, that this member may see. */
export const visiblePages = (src: ViewSource, threadId: string): number[] => {
  const head = src.head(threadId);
  if (!head) return [];
  const meta = readMeta(head);
  const fromSeq = membership(src, threadId)?.fromSeq ?? 1;
  const pages = readPages(head)
    .filter((p) => p.lastSeq >= fromSeq || p.count === 0)
    .map((p) => p.page);
  if (meta && !pages.includes(meta.currentPage)) pages.push(meta.currentPage);
  return pages.sort((a, b) => b - a);
};
