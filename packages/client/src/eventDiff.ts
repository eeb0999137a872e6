import {
  type MemberRecord,
  type MessageRecord,
  messagesMap,
  metaMap,
  type OpEnvelope,
  type OpResult,
  opsMap,
  readMember,
  readMembers,
  readMessageMap,
  readMeta,
  readReceipts,
  resultsMap,
  type ThreadMeta,
  threadsMap,
  type UserThreadRecord,
} from '@parley/model';
import type * as Y from 'yjs';
import type { Emitter } from './emitter.ts';
import type { ChatEventMap, SignalingChatParticipant } from './eventTypes.ts';
import { userKind } from './identifiers.ts';
import { versionOf } from './localView.ts';

export interface EventDiffOptions {
  readonly userId: string;
  readonly emitter: Emitter<ChatEventMap>;
  /** The highest seq this store had seen of a thread when the session started (older = history). */
  readonly floor: (threadId: string) => number;
  /** Records the highest seq seen of a thread (persisted by the caller). */
  readonly noteSeen: (threadId: string, seq: number) => void;
  /** A membership record in the user doc changed (new thread, removed, deleted). */
  readonly onThreadRecord: (
    threadId: string,
    record: UserThreadRecord | undefined,
    old: UserThreadRecord | undefined,
  ) => void;
  /** The newest topicUpdated system message of a thread with this topic, if a loaded page has it. */
  readonly findTopicUpdate?: (threadId: string, topic: string) => MessageRecord | undefined;
  /** Head meta changed (e.g. a new current page). */
  readonly onHeadMeta: (threadId: string, meta: ThreadMeta) => void;
}

interface MessageSnap {
  readonly version: number;
  readonly deletedOn: string | undefined;
  readonly editedOn: string | undefined;
}

const eventType = (t: string): string => (t === 'html' ? 'RichText/Html' : t === 'text' ? 'Text' : t);

export const signalingParticipant = (m: {
  id: string;
  displayName?: string;
  shareHistoryTime?: string;
  metadata?: Record<string, string>;
}): SignalingChatParticipant => ({
  id: userKind(m.id),
  displayName: m.displayName ?? '',
  ...(m.shareHistoryTime ? { shareHistoryTime: new Date(m.shareHistoryTime) } : {}),
  metadata: { ...(m.metadata ?? {}) },
});

/**
 * Turns doc changes into ACS events, once per change: each doc is compared with a snapshot taken
 * when it was loaded from storage (so a restart does not repeat old events), and snapshots survive
 * a doc's replacement after a Reset (so a re-sync does not repeat them either).
 *
 * @example
 * const diff = createEventDiff({ userId, emitter, floor, noteSeen, onThreadRecord, onHeadMeta });
 * const detach = diff.attachPage(threadId, 0, pageDoc);
 */
export const createEventDiff = (options: EventDiffOptions) => {
  const { emitter, userId } = options;
  const pageSnaps = new Map<string, Map<string, MessageSnap>>();
  const headSnaps = new Map<string, { meta: ThreadMeta | undefined; receipts: Map<string, string> }>();
  const emittedMessages = new Set<string>();
  const receiptEmitted = new Map<string, string>();
  const me = userKind(userId);

  const snapOf = (m: MessageRecord): MessageSnap => ({
    version: m.version,
    deletedOn: m.deletedOn,
    editedOn: m.editedOn,
  });

  const memberAddedOn = new Map<string, string>();

  const messageEvent = (threadId: string, m: MessageRecord) => ({
    threadId,
    sender: userKind(m.sender ?? ''),
    senderDisplayName: m.senderDisplayName ?? '',
    recipient: me,
    id: m.id,
    createdOn: new Date(m.createdOn),
    version: versionOf(m),
    type: eventType(m.type),
  });

  const systemEvent = (threadId: string, m: MessageRecord): void => {
    const participants = (m.system?.participants ?? []).map((p) => signalingParticipant(p));
    const by = signalingParticipant({
      id: m.system?.initiator ?? m.sender ?? '',
      displayName: m.senderDisplayName ?? '',
    });
    const base = { threadId, version: versionOf(m) };
    if (m.type === 'participantAdded' && m.seq > 1)
      emitter.emit('participantsAdded', {
        ...base,
        addedOn: new Date(m.createdOn),
        participantsAdded: participants,
        addedBy: by,
      });
    else if (m.type === 'participantRemoved')
      emitter.emit('participantsRemoved', {
        ...base,
        removedOn: new Date(m.createdOn),
        participantsRemoved: participants,
        removedBy: by,
      });
  };

  const onNewMessage = (threadId: string, m: MessageRecord): void => {
    if (emittedMessages.has(m.id) || m.seq <= options.floor(threadId)) return;
    const addedOn = memberAddedOn.get(threadId);
    if (addedOn && m.createdOn < addedOn) return;
    emittedMessages.add(m.id);
    if (m.type === 'text' || m.type === 'html') {
      emitter.emit('chatMessageReceived', {
        ...messageEvent(threadId, m),
        message: m.content,
        metadata: { ...(m.metadata ?? {}) },
        sequenceId: String(m.seq),
        priority: m.priority,
      });
      // First seen already changed (e.g. after an offline period): report those changes too.
      if (m.editedOn || m.deletedOn)
        onChangedMessage(threadId, m, { version: 1, deletedOn: undefined, editedOn: undefined });
    } else systemEvent(threadId, m);
  };

  const onChangedMessage = (threadId: string, m: MessageRecord, before: MessageSnap): void => {
    if (m.type !== 'text' && m.type !== 'html') return;
    if (m.deletedOn && !before.deletedOn) {
      emitter.emit('chatMessageDeleted', { ...messageEvent(threadId, m), deletedOn: new Date(m.deletedOn) });
    } else if (!m.deletedOn && m.editedOn && m.editedOn !== before.editedOn) {
      emitter.emit('chatMessageEdited', {
        ...messageEvent(threadId, m),
        message: m.content,
        metadata: { ...(m.metadata ?? {}) },
        editedOn: new Date(m.editedOn),
      });
    }
  };

  const receipt = (threadId: string, from: string, messageId: string, readOn: Date): void => {
    if (from === userId) return;
    const key = `${threadId}\n${from}`;
    if (receiptEmitted.get(key) === messageId) return;
    receiptEmitted.set(key, messageId);
    emitter.emit('readReceiptReceived', {
      threadId,
      sender: userKind(from),
      senderDisplayName: '',
      recipient: me,
      chatMessageId: messageId,
      readOn,
    });
  };

  const threadCreated = (threadId: string, doc: Y.Doc, meta: ThreadMeta): void => {
    const members = readMembers(doc);
    const creator = members.find((m) => m.id === meta.createdBy);
    emitter.emit('chatThreadCreated', {
      threadId,
      version: String(Date.parse(meta.createdOn) || 0),
      createdOn: new Date(meta.createdOn),
      properties: { topic: meta.topic, metadata: { ...(meta.metadata ?? {}) } },
      participants: members.map((m: MemberRecord) => signalingParticipant(m)),
      createdBy: signalingParticipant(
        creator ?? { id: meta.createdBy, displayName: meta.createdByDisplayName ?? '' },
      ),
    });
  };

  return {
    attachPage(threadId: string, name: string, doc: Y.Doc): () => void {
      let snaps = pageSnaps.get(name);
      if (!snaps) {
        snaps = new Map();
        pageSnaps.set(name, snaps);
        let max = 0;
        for (const entry of messagesMap(doc).values()) {
          const m = readMessageMap(entry);
          if (!m) continue;
          snaps.set(m.id, snapOf(m));
          emittedMessages.add(m.id);
          max = Math.max(max, m.seq);
        }
        if (max > 0) options.noteSeen(threadId, max);
      }
      const table = snaps;
      const map = messagesMap(doc);
      const observer = (events: Y.YEvent<Y.AbstractType<unknown>>[]): void => {
        const changed = new Set<string>();
        for (const ev of events) {
          if (ev.target === map) for (const k of (ev as Y.YMapEvent<unknown>).keysChanged) changed.add(k);
          else if (typeof ev.path[0] === 'string') changed.add(ev.path[0]);
        }
        const fresh: MessageRecord[] = [];
        let max = 0;
        for (const id of changed) {
          const m = readMessageMap(map.get(id));
          if (!m) continue;
          max = Math.max(max, m.seq);
          const before = table.get(id);
          table.set(id, snapOf(m));
          if (!before) fresh.push(m);
          else onChangedMessage(threadId, m, before);
        }
        fresh.sort((a, b) => a.seq - b.seq);
        for (const m of fresh) onNewMessage(threadId, m);
        if (max > 0) options.noteSeen(threadId, max);
      };
      map.observeDeep(observer);
      return () => map.unobserveDeep(observer);
    },

    attachHead(threadId: string, doc: Y.Doc): () => void {
      let snap = headSnaps.get(threadId);
      const own = readMember(doc, userId);
      if (own) memberAddedOn.set(threadId, own.addedOn);
      if (!snap) {
        const receipts = new Map<string, string>();
        for (const r of readReceipts(doc)) {
          receipts.set(r.userId, r.messageId);
          receiptEmitted.set(`${threadId}\n${r.userId}`, r.messageId);
        }
        snap = { meta: readMeta(doc), receipts };
        headSnaps.set(threadId, snap);
      }
      const state = snap;
      const onUpdate = (): void => {
        const meta = readMeta(doc);
        const ownNow = readMember(doc, userId);
        if (ownNow) memberAddedOn.set(threadId, ownNow.addedOn);
        const before = state.meta;
        if (meta) {
          if (!before) {
            if (ownNow && ownNow.addedOn === meta.createdOn) threadCreated(threadId, doc, meta);
          } else if (
            meta.topic !== before.topic ||
            JSON.stringify(meta.metadata ?? {}) !== JSON.stringify(before.metadata ?? {})
          ) {
            const topicChanged = meta.topic !== before.topic;
            const emit = () => {
              // Who changed it: the initiator of the matching topicUpdated system message, when its
              // page has arrived (the relay writes both in one transaction), else unknown.
              const system = topicChanged ? options.findTopicUpdate?.(threadId, meta.topic) : undefined;
              const by =
                system?.system?.initiator ?? (metaMap(doc).get('updatedBy') as string | undefined) ?? '';
              const editor = readMembers(doc).find((m) => m.id === by);
              const when = system ? new Date(system.createdOn) : new Date();
              emitter.emit('chatThreadPropertiesUpdated', {
                threadId,
                version: String(when.getTime()),
                properties: { topic: meta.topic, metadata: { ...(meta.metadata ?? {}) } },
                updatedOn: when,
                updatedBy: signalingParticipant(editor ?? { id: by }),
              });
            };
            if (topicChanged && options.findTopicUpdate) setTimeout(emit, 50);
            else emit();
          }
          state.meta = meta;
          options.onHeadMeta(threadId, meta);
        }
        for (const r of readReceipts(doc)) {
          if (state.receipts.get(r.userId) === r.messageId) continue;
          state.receipts.set(r.userId, r.messageId);
          receipt(threadId, r.userId, r.messageId, new Date(r.readOn));
        }
      };
      doc.on('update', onUpdate);
      return () => doc.off('update', onUpdate);
    },

    attachUser(
      doc: Y.Doc,
      onResult: (opId: string, op: OpEnvelope | undefined, result: OpResult) => void,
    ): () => void {
      const results = resultsMap(doc);
      const threads = threadsMap(doc);
      const onResults = (ev: Y.YMapEvent<OpResult>): void => {
        for (const [key, change] of ev.changes.keys) {
          if (change.action !== 'add') continue;
          const result = results.get(key);
          if (result) onResult(key, opsMap(doc).get(key), result);
        }
      };
      const onThreads = (ev: Y.YMapEvent<UserThreadRecord>): void => {
        for (const [key, change] of ev.changes.keys)
          options.onThreadRecord(key, threads.get(key), change.oldValue as UserThreadRecord | undefined);
      };
      results.observe(onResults);
      threads.observe(onThreads);
      return () => {
        results.unobserve(onResults);
        threads.unobserve(onThreads);
      };
    },

    /** A read position seen live (awareness) or in the head doc; emitted once per change. */
    receipt,

    /** Forget a thread entirely (after deletion). */
    forgetThread(threadId: string): void {
      headSnaps.delete(threadId);
      for (const name of [...pageSnaps.keys()])
        if (name.startsWith(`thread:${threadId}:`)) pageSnaps.delete(name);
    },
  };
};

export type EventDiff = ReturnType<typeof createEventDiff>;
