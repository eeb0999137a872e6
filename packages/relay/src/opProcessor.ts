import {
  deleteMember,
  membersMap,
  headDocName,
  isUserId,
  type MemberRecord,
  type MessageRecord,
  type MemberRow,
  type OpPayload,
  type OpResult,
  pageDocName,
  pagesMap,
  type ParticipantInput,
  readMember,
  readMembers,
  readMessage,
  receiptsMap,
  type RelayStore,
  sanitizeHtml,
  type SystemContent,
  type ThreadRow,
  userDocName,
  writeMember,
  writeMessageFields,
  writeMeta,
  writeNewMessage,
  writePage,
  writeReceipt,
  writeUserThread,
  currentPageOf,
  type PageRecord,
  threadsMap,
} from '@parley/model';
import { type ErrorCode, ParleyError } from '@parley/protocol';
import type { Actor } from './api.ts';
import type { Committer } from './committer.ts';
import type { DocHost, HostedDoc } from './docHost.ts';
import type { Policy } from './policy.ts';
import type { RelaySignals } from './signals.ts';
import type * as Y from 'yjs';

export const MAX_MEMBERS = 250;

export interface OpProcessorDeps {
  readonly store: RelayStore;
  readonly host: DocHost;
  readonly committer: Committer;
  readonly policy: Policy;
  readonly signals: RelaySignals;
  /** Observers whose writes must join the change's transaction (a durable outbox). May throw to abort. */
  readonly transactionalSignals?: RelaySignals;
  readonly pageSize: number;
  /** Publishes head activity (lastSeq, lastMessageOn, current page count) within a window. */
  readonly activity?: { touch(threadId: string): void };
  readonly now: () => number;
}

interface ThreadCtx {
  row: ThreadRow;
  head: HostedDoc;
}

/** Ops whose commit revokes members' access (they start a batch of their own, Committer.barrier). */
export const revokes = (opType: OpPayload['type']): boolean =>
  opType === 'deleteThread' || opType === 'removeParticipant';

type Invalid = { target: string; code: ErrorCode; message: string };

/**
 * The only code that changes thread docs (DESIGN.md §1, §3). `run` executes one validated intent
 * inside the caller's unit (Committer.run): it checks everything before it changes anything, so a
 * rejection (a thrown ParleyError) leaves docs and tables untouched.
 */
export class OpProcessor {
  readonly #d: OpProcessorDeps;
  /**
   * Each head doc's member ids, made again after its `members` map changes. Every message's
   * signals carry them: copied out of the Y.Map per message they took ~4 % of the relay's busy
   * samples at 250 members (bench W1).
   */
  readonly #members = new WeakMap<Y.Doc, readonly string[]>();
  readonly #observed = new WeakSet<Y.Doc>();

  constructor(deps: OpProcessorDeps) {
    this.#d = deps;
  }

  /** The thread's member ids now (a shared array: never change it). */
  #memberIds(head: Y.Doc): readonly string[] {
    // Inside an open transaction of the head the map may have changed without the observer
    // having run yet (Yjs calls it when the transaction ends).
    if (head._transaction !== null) return [...membersMap(head).keys()];
    let ids = this.#members.get(head);
    if (ids) return ids;
    if (!this.#observed.has(head)) {
      this.#observed.add(head);
      membersMap(head).observe(() => this.#members.delete(head));
    }
    ids = [...membersMap(head).keys()];
    this.#members.set(head, ids);
    return ids;
  }

  run(actor: Actor, op: OpPayload, idempotencyKey?: string): OpResult {
    if (!this.#d.policy.scopeAllows(actor.scope, op.type)) {
      throw new ParleyError('INSUFFICIENT_SCOPE', `A ${actor.scope} token may not ${op.type}.`);
    }
    // Revocations run before a batch's deliveries: a revoking op starts its own batch, so what
    // earlier units of the batch changed reaches the members it is about to revoke.
    if (revokes(op.type)) this.#d.committer.barrier();
    switch (op.type) {
      case 'createThread':
        return this.#createThread(actor, op, idempotencyKey);
      case 'updateThread':
        return this.#updateThread(actor, op);
      case 'deleteThread':
        return this.#deleteThread(actor, op.threadId);
      case 'addParticipants':
        return this.#addParticipants(actor, op.threadId, op.participants);
      case 'removeParticipant':
        return this.#removeParticipant(actor, op.threadId, op.userId);
      case 'sendMessage':
        return this.#sendMessage(actor, op);
      case 'editMessage':
        return this.#editMessage(actor, op);
      case 'deleteMessage':
        return this.#deleteMessage(actor, op.threadId, op.messageId);
      case 'sendReadReceipt':
        return this.#readReceipt(actor, op.threadId, op.messageId);
      case 'react':
        return this.#react(actor, op);
    }
  }

  // ---- threads ----------------------------------------------------------------------------------

  #createThread(
    actor: Actor,
    op: Extract<OpPayload, { type: 'createThread' }>,
    idempotencyKey?: string,
  ): OpResult {
    const { store } = this.#d;
    if (idempotencyKey) {
      const earlier = store.threads.findByIdempotencyKey(actor.userId, idempotencyKey);
      if (earlier) return { status: 'accepted', at: earlier.createdOn, threadId: earlier.id };
    }
    if (store.threads.get(op.threadId))
      throw new ParleyError('DUPLICATE_ID', `Thread ${op.threadId} already exists.`);
    const at = this.#iso();
    const { accepted, invalid } = this.#screenParticipants(op.participants, new Set(), 0);
    // The creator is always a member, and the owner.
    const creator: ParticipantInput = accepted.find((p) => p.id === actor.userId) ?? {
      id: actor.userId,
      displayName: actor.displayName,
    };
    const others = accepted.filter((p) => p.id !== actor.userId);
    if (others.length + 1 > MAX_MEMBERS)
      throw new ParleyError('TOO_MANY_PARTICIPANTS', `A thread has at most ${MAX_MEMBERS} members.`);

    const row: ThreadRow = {
      id: op.threadId,
      topic: op.topic,
      createdBy: actor.userId,
      createdOn: at,
      deletedOn: null,
      lastMessageOn: null,
      lastSeq: 0,
      currentPage: 0,
      idempotencyKey: idempotencyKey ?? null,
    };
    const head = this.#d.host.open(headDocName(op.threadId));
    const ctx: ThreadCtx = { row, head };
    writeMeta(head.doc, {
      id: op.threadId,
      topic: op.topic,
      createdBy: actor.userId,
      createdByDisplayName: actor.displayName,
      createdOn: at,
      metadata: op.metadata,
      lastSeq: 0,
      currentPage: 0,
    });
    writePage(head.doc, { page: 0, firstSeq: 1, lastSeq: 0, count: 0 });
    const members = [creator, ...others].map((p, i) =>
      this.#putMember(
        ctx,
        { ...p, displayName: p.displayName ?? (p.id === actor.userId ? actor.displayName : p.id) },
        i === 0 ? 'owner' : 'member',
        actor,
        1,
        1,
        at,
      ),
    );
    this.#appendSystem(ctx, 'participantAdded', actor, {
      participants: members.map((m) => ({ id: m.id, displayName: m.displayName })),
      initiator: actor.userId,
    });
    store.threads.put(ctx.row);
    const memberIds = members.map((m) => m.id);
    this.#emit('threadCreated', { threadId: row.id, actor, topic: op.topic, members: memberIds, at });
    return {
      status: 'accepted',
      at,
      threadId: op.threadId,
      ...(invalid.length > 0 ? { invalidParticipants: invalid } : {}),
    };
  }

  #updateThread(actor: Actor, op: Extract<OpPayload, { type: 'updateThread' }>): OpResult {
    const ctx = this.#thread(op.threadId);
    const me = this.#member(ctx, actor.userId);
    this.#roleCheck(me, 'updateThread');
    const at = this.#iso();
    const topicChanged = op.topic !== undefined && op.topic !== ctx.row.topic;
    writeMeta(ctx.head.doc, {
      ...(op.topic !== undefined ? { topic: op.topic } : {}),
      ...(op.metadata ? { metadata: op.metadata } : {}),
    });
    if (topicChanged) {
      ctx.row = { ...ctx.row, topic: op.topic! };
      this.#appendSystem(ctx, 'topicUpdated', actor, { topic: op.topic!, initiator: actor.userId });
      for (const m of readMembers(ctx.head.doc))
        this.#touchUserThread(m.id, ctx.row.id, { topic: op.topic! });
    }
    this.#d.store.threads.put(ctx.row);
    const members = this.#memberIds(ctx.head.doc);
    this.#emit('threadUpdated', {
      threadId: op.threadId,
      actor,
      ...(op.topic !== undefined ? { topic: op.topic } : {}),
      ...(op.metadata ? { metadata: op.metadata } : {}),
      members,
      at,
    });
    return { status: 'accepted', at, threadId: op.threadId };
  }

  #deleteThread(actor: Actor, threadId: string): OpResult {
    const ctx = this.#thread(threadId);
    const me = this.#member(ctx, actor.userId);
    this.#roleCheck(me, 'deleteThread');
    const at = this.#iso();
    const { store, host } = this.#d;
    const memberRows = store.members.list(threadId);
    const members = memberRows.map((m) => m.userId);
    for (const m of members) this.#touchUserThread(m, threadId, { deletedOn: at });
    // Purge every doc and row of the thread; keep a tombstone row (and the memberships, marked) so
    // the thread is listed as deleted and later calls answer THREAD_DELETED, not NOT_FOUND.
    host.drop(headDocName(threadId));
    store.docs.delete(headDocName(threadId));
    store.threads.purge(threadId);
    store.threads.put({ ...ctx.row, deletedOn: at });
    for (const m of memberRows) store.members.put({ ...m, removedOn: at });
    this.#emit('threadDeleted', { threadId, actor, members, at });
    return { status: 'accepted', at, threadId };
  }

  // ---- participants -----------------------------------------------------------------------------

  #addParticipants(actor: Actor, threadId: string, participants: readonly ParticipantInput[]): OpResult {
    const ctx = this.#thread(threadId);
    const me = this.#member(ctx, actor.userId);
    this.#roleCheck(me, 'addParticipants');
    const current = new Set([...membersMap(ctx.head.doc).keys()]);
    const { accepted, invalid } = this.#screenParticipants(participants, current, current.size);
    if (accepted.length === 0 && invalid.length > 0) {
      const first = invalid[0]!;
      throw new ParleyError(first.code, first.message, { invalidParticipants: invalid });
    }
    const at = this.#iso();
    const now = this.#d.now();
    const added: MemberRecord[] = [];
    for (const p of accepted) {
      const fromSeq = this.#fromSeqFor(ctx, p.shareHistoryTime, now);
      if (fromSeq > 1 && fromSeq === ctx.row.lastSeq + 1) this.#startNewPage(ctx);
      const previous = this.#d.store.members.get(threadId, p.id);
      const generation = previous ? previous.generation + 1 : 1;
      added.push(
        this.#putMember(
          ctx,
          { ...p, displayName: p.displayName ?? previous?.displayName ?? p.id },
          'member',
          actor,
          fromSeq,
          generation,
          at,
        ),
      );
    }
    if (added.length > 0) {
      this.#appendSystem(ctx, 'participantAdded', actor, {
        participants: added.map((m) => ({
          id: m.id,
          displayName: m.displayName,
          ...(m.shareHistoryTime ? { shareHistoryTime: m.shareHistoryTime } : {}),
        })),
        initiator: actor.userId,
      });
    }
    this.#d.store.threads.put(ctx.row);
    const members = this.#memberIds(ctx.head.doc);
    this.#emit('participantsAdded', {
      threadId,
      actor,
      added: added.map((m) => ({
        id: m.id,
        displayName: m.displayName,
        ...(m.shareHistoryTime ? { shareHistoryTime: m.shareHistoryTime } : {}),
      })),
      members,
      at,
    });
    return {
      status: 'accepted',
      at,
      threadId,
      ...(invalid.length > 0 ? { invalidParticipants: invalid } : {}),
    };
  }

  #removeParticipant(actor: Actor, threadId: string, userId: string): OpResult {
    const ctx = this.#thread(threadId);
    const me = this.#member(ctx, actor.userId);
    if (userId !== actor.userId) this.#roleCheck(me, 'removeParticipant');
    const target = readMember(ctx.head.doc, userId);
    if (!target) throw new ParleyError('PARTICIPANT_NOT_FOUND', `${userId} is not a member of ${threadId}.`);
    const at = this.#iso();
    const membersBefore = [...membersMap(ctx.head.doc).keys()];
    this.#appendSystem(ctx, 'participantRemoved', actor, {
      participants: [{ id: target.id, displayName: target.displayName }],
      initiator: actor.userId,
    });
    deleteMember(ctx.head.doc, userId);
    const row = this.#d.store.members.get(threadId, userId);
    if (row) this.#d.store.members.put({ ...row, removedOn: at });
    this.#touchUserThread(userId, threadId, { removedOn: at });
    this.#d.store.threads.put(ctx.row);
    this.#emit('participantRemoved', {
      threadId,
      actor,
      removed: userId,
      members: membersBefore,
      code: 'NOT_A_MEMBER',
      at,
    });
    return { status: 'accepted', at, threadId };
  }

  /** Splits participants into those to add and ACS-style invalidParticipants. */
  #screenParticipants(
    participants: readonly ParticipantInput[],
    current: ReadonlySet<string>,
    currentCount: number,
  ): { accepted: ParticipantInput[]; invalid: Invalid[] } {
    const accepted: ParticipantInput[] = [];
    const invalid: Invalid[] = [];
    const seen = new Set<string>();
    let count = currentCount;
    for (const p of participants) {
      if (!isUserId(p.id)) {
        invalid.push({ target: String(p.id), code: 'INVALID_REQUEST', message: 'Not a valid user id.' });
        continue;
      }
      if (seen.has(p.id) || current.has(p.id)) continue; // adding a member twice is a no-op, as in ACS
      seen.add(p.id);
      if (count + 1 > MAX_MEMBERS) {
        invalid.push({
          target: p.id,
          code: 'TOO_MANY_PARTICIPANTS',
          message: `A thread has at most ${MAX_MEMBERS} members.`,
        });
        continue;
      }
      count++;
      accepted.push(p);
    }
    return { accepted, invalid };
  }

  #fromSeqFor(ctx: ThreadCtx, shareHistoryTime: string | undefined, now: number): number {
    if (shareHistoryTime === undefined) return 1;
    const t = Date.parse(shareHistoryTime);
    if (!(t < now)) return ctx.row.lastSeq + 1;
    return (
      this.#d.store.messages.firstSeqAtOrAfter(ctx.row.id, new Date(t).toISOString()) ?? ctx.row.lastSeq + 1
    );
  }

  #putMember(
    ctx: ThreadCtx,
    p: ParticipantInput & { displayName: string },
    role: MemberRecord['role'],
    actor: Actor,
    fromSeq: number,
    generation: number,
    at: string,
  ): MemberRecord {
    const record: MemberRecord = {
      id: p.id,
      displayName: p.displayName,
      role,
      addedBy: actor.userId,
      addedOn: at,
      fromSeq,
      generation,
      ...(p.shareHistoryTime ? { shareHistoryTime: p.shareHistoryTime } : {}),
      ...(p.metadata ? { metadata: p.metadata } : {}),
    };
    writeMember(ctx.head.doc, record);
    const row: MemberRow = {
      threadId: ctx.row.id,
      userId: p.id,
      displayName: p.displayName,
      role,
      addedBy: actor.userId,
      addedOn: at,
      fromSeq,
      generation,
      removedOn: null,
    };
    this.#d.store.members.put(row);
    this.#writeUserThread(p.id, ctx, record, at);
    return record;
  }

  // ---- messages ---------------------------------------------------------------------------------

  #sendMessage(actor: Actor, op: Extract<OpPayload, { type: 'sendMessage' }>): OpResult {
    const ctx = this.#thread(op.threadId);
    this.#member(ctx, actor.userId);
    if (this.#d.store.messages.get(op.threadId, op.messageId)) {
      throw new ParleyError('DUPLICATE_ID', `Message ${op.messageId} already exists.`);
    }
    if (op.replyTo !== undefined && !this.#d.store.messages.get(op.threadId, op.replyTo)) {
      throw new ParleyError('MESSAGE_NOT_FOUND', `The replied-to message ${op.replyTo} does not exist.`);
    }
    const content = op.messageType === 'html' ? sanitizeHtml(op.content) : op.content;
    const message = this.#append(ctx, {
      id: op.messageId,
      type: op.messageType,
      sender: actor.userId,
      senderDisplayName: op.senderDisplayName ?? actor.displayName,
      content,
      priority: op.priority ?? 'normal',
      ...(op.metadata ? { metadata: op.metadata } : {}),
      ...(op.replyTo ? { replyTo: op.replyTo } : {}),
    });
    const members = this.#memberIds(ctx.head.doc);
    this.#emit('messageSent', { threadId: op.threadId, actor, message, members });
    return {
      status: 'accepted',
      at: message.createdOn,
      threadId: op.threadId,
      messageId: message.id,
      seq: message.seq,
    };
  }

  #editMessage(actor: Actor, op: Extract<OpPayload, { type: 'editMessage' }>): OpResult {
    const { ctx, page, message } = this.#ownMessage(actor, op.threadId, op.messageId, 'edit');
    const at = this.#iso();
    const content =
      op.content === undefined ? undefined : message.type === 'html' ? sanitizeHtml(op.content) : op.content;
    writeMessageFields(page.doc, op.messageId, {
      ...(content !== undefined ? { content } : {}),
      ...(op.metadata ? { metadata: op.metadata } : {}),
      editedOn: at,
      version: message.version + 1,
    });
    const edited = readMessage(page.doc, op.messageId)!;
    const members = this.#memberIds(ctx.head.doc);
    this.#emit('messageEdited', { threadId: op.threadId, actor, message: edited, members });
    return { status: 'accepted', at, threadId: op.threadId, messageId: op.messageId, seq: message.seq };
  }

  #deleteMessage(actor: Actor, threadId: string, messageId: string): OpResult {
    const { ctx, page, message } = this.#ownMessage(actor, threadId, messageId, 'delete');
    const at = this.#iso();
    // Clearing content deletes the old value's struct; Yjs GC drops its bytes from the doc.
    writeMessageFields(page.doc, messageId, {
      content: '',
      metadata: undefined,
      deletedOn: at,
      version: message.version + 1,
    });
    const row = this.#d.store.messages.get(threadId, messageId)!;
    this.#d.store.messages.put({ ...row, deletedOn: at });
    const deleted = readMessage(page.doc, messageId)!;
    const members = this.#memberIds(ctx.head.doc);
    this.#emit('messageDeleted', { threadId, actor, message: deleted, members });
    return { status: 'accepted', at, threadId, messageId, seq: message.seq };
  }

  #readReceipt(actor: Actor, threadId: string, messageId: string): OpResult {
    const ctx = this.#thread(threadId);
    const me = this.#member(ctx, actor.userId);
    const row = this.#d.store.messages.get(threadId, messageId);
    if (!row || row.seq < me.fromSeq)
      throw new ParleyError('MESSAGE_NOT_FOUND', `Message ${messageId} does not exist.`);
    const at = this.#iso();
    // The head holds every member's latest receipt, written with the row in the same unit.
    const existing = receiptsMap(ctx.head.doc).get(actor.userId);
    if (!existing || existing.seq < row.seq) {
      this.#d.store.receipts.put({ threadId, userId: actor.userId, messageId, seq: row.seq, readOn: at });
      // A receipt may reach the others a little late: its fan-out is paced in large threads.
      this.#d.host.paced(() =>
        writeReceipt(ctx.head.doc, { userId: actor.userId, messageId, seq: row.seq, readOn: at }),
      );
      this.#emit('readReceipt', { threadId, actor, messageId, seq: row.seq, at });
    }
    return { status: 'accepted', at, threadId, messageId, seq: row.seq };
  }

  #react(actor: Actor, op: Extract<OpPayload, { type: 'react' }>): OpResult {
    const ctx = this.#thread(op.threadId);
    const me = this.#member(ctx, actor.userId);
    const row = this.#d.store.messages.get(op.threadId, op.messageId);
    if (!row || row.seq < me.fromSeq)
      throw new ParleyError('MESSAGE_NOT_FOUND', `Message ${op.messageId} does not exist.`);
    if (row.deletedOn) throw new ParleyError('MESSAGE_DELETED', `Message ${op.messageId} was deleted.`);
    const page = this.#d.host.open(pageDocName(op.threadId, row.page));
    const message = readMessage(page.doc, op.messageId)!;
    const reactions: Record<string, string[]> = {};
    for (const [emoji, users] of Object.entries(message.reactions ?? {})) reactions[emoji] = [...users];
    const users = new Set(reactions[op.emoji] ?? []);
    if (op.on) users.add(actor.userId);
    else users.delete(actor.userId);
    if (users.size > 0) reactions[op.emoji] = [...users].sort();
    else delete reactions[op.emoji];
    const at = this.#iso();
    writeMessageFields(page.doc, op.messageId, { reactions, version: message.version + 1 });
    return { status: 'accepted', at, threadId: op.threadId, messageId: op.messageId, seq: row.seq };
  }

  #ownMessage(actor: Actor, threadId: string, messageId: string, what: 'edit' | 'delete') {
    const ctx = this.#thread(threadId);
    const me = this.#member(ctx, actor.userId);
    const row = this.#d.store.messages.get(threadId, messageId);
    if (!row || row.seq < me.fromSeq)
      throw new ParleyError('MESSAGE_NOT_FOUND', `Message ${messageId} does not exist.`);
    if (row.sender === null) throw new ParleyError('FORBIDDEN', 'System messages cannot be changed.');
    if (row.sender !== actor.userId && !(what === 'delete' && this.#d.policy.canModerate(me.role))) {
      throw new ParleyError('NOT_SENDER', `Only the sender may ${what} message ${messageId}.`);
    }
    if (row.deletedOn) throw new ParleyError('MESSAGE_DELETED', `Message ${messageId} was deleted.`);
    const page = this.#d.host.open(pageDocName(threadId, row.page));
    const message = readMessage(page.doc, messageId);
    if (!message)
      throw new ParleyError('INTERNAL', `Message ${messageId} is indexed but missing from its page.`);
    return { ctx, page, message };
  }

  // ---- shared -----------------------------------------------------------------------------------

  #thread(threadId: string): ThreadCtx {
    const row = this.#d.store.threads.get(threadId);
    if (!row) throw new ParleyError('THREAD_NOT_FOUND', `Thread ${threadId} does not exist.`);
    if (row.deletedOn) throw new ParleyError('THREAD_DELETED', `Thread ${threadId} was deleted.`);
    return { row, head: this.#d.host.open(headDocName(threadId)) };
  }

  #member(ctx: ThreadCtx, userId: string): MemberRecord {
    const m = readMember(ctx.head.doc, userId);
    if (!m) throw new ParleyError('NOT_A_MEMBER', `${userId} is not a member of ${ctx.row.id}.`);
    return m;
  }

  #roleCheck(
    me: MemberRecord,
    op: 'updateThread' | 'deleteThread' | 'addParticipants' | 'removeParticipant',
  ): void {
    if (!this.#d.policy.roleAllows(me.role, op))
      throw new ParleyError('FORBIDDEN', `A ${me.role} may not ${op}.`);
  }

  /** The current page and how many messages it holds (a page holds consecutive seqs). */
  #currentPage(ctx: ThreadCtx): PageRecord {
    return currentPageOf(ctx.head.doc, ctx.row.currentPage, ctx.row.lastSeq);
  }

  /** Closes the current page (its record becomes final) and opens the next one. */
  #startNewPage(ctx: ThreadCtx): void {
    const current = this.#currentPage(ctx);
    if (current.count === 0) return;
    const page = current.page + 1;
    ctx.head.doc.transact(() => {
      writePage(ctx.head.doc, current);
      writePage(ctx.head.doc, { page, firstSeq: ctx.row.lastSeq + 1, lastSeq: ctx.row.lastSeq, count: 0 });
      writeMeta(ctx.head.doc, {
        currentPage: page,
        lastSeq: ctx.row.lastSeq,
        ...(ctx.row.lastMessageOn ? { lastMessageOn: ctx.row.lastMessageOn } : {}),
      });
    });
    ctx.row = { ...ctx.row, currentPage: page };
    this.#d.store.threads.put(ctx.row);
  }

  /**
   * Lists the next page in the head, empty, once the current one is half full, so that live readers
   * subscribe to it (the SDK wants every page it has not seen) before its first message: they then
   * receive that page's messages as they land. Without it a page change sent every subscriber to
   * ask for the new page at once, and under load they got it nearly full — in bench W1 at 1,600
   * msgs/s with 250 members, sync answers were 60 % of the relay's bytes out. The record's seqs
   * are where the page starts if this one fills up; `#startNewPage` rewrites them when it opens
   * (earlier, when a member is added without history).
   */
  #announceNextPage(ctx: ThreadCtx, current: PageRecord): void {
    const next = current.page + 1;
    if (pagesMap(ctx.head.doc).has(String(next))) return;
    const firstSeq = current.firstSeq + this.#d.pageSize;
    writePage(ctx.head.doc, { page: next, firstSeq, lastSeq: firstSeq - 1, count: 0 });
  }

  /**
   * Appends a message with the next seq to the current page (opening a new page when full). The
   * head's activity fields follow within the activity window (threadActivity.ts), not per message.
   */
  #append(ctx: ThreadCtx, fields: Omit<MessageRecord, 'seq' | 'createdOn' | 'version'>): MessageRecord {
    let current = this.#currentPage(ctx);
    if (current.count >= this.#d.pageSize) {
      this.#startNewPage(ctx);
      current = this.#currentPage(ctx);
    }
    const seq = ctx.row.lastSeq + 1;
    const createdOn = this.#iso();
    const message: MessageRecord = { ...fields, seq, createdOn, version: 1 };
    const page = this.#d.host.open(pageDocName(ctx.row.id, current.page));
    writeNewMessage(page.doc, message);
    if ((current.count + 1) * 2 >= this.#d.pageSize) this.#announceNextPage(ctx, current);
    ctx.row = { ...ctx.row, lastSeq: seq, lastMessageOn: createdOn };
    this.#d.store.threads.put(ctx.row);
    this.#d.store.messages.put({
      threadId: ctx.row.id,
      messageId: message.id,
      page: current.page,
      seq,
      sender: message.sender ?? null,
      type: message.type,
      priority: message.priority,
      createdOn,
      deletedOn: null,
    });
    this.#d.activity?.touch(ctx.row.id);
    return message;
  }

  #appendSystem(
    ctx: ThreadCtx,
    type: 'topicUpdated' | 'participantAdded' | 'participantRemoved',
    actor: Actor,
    system: SystemContent,
  ): MessageRecord {
    return this.#append(ctx, {
      id: `sys-${ctx.row.id.slice(0, 8)}-${ctx.row.lastSeq + 1}`,
      type,
      content: '',
      system,
      priority: 'normal',
      senderDisplayName: actor.displayName,
    });
  }

  #writeUserThread(userId: string, ctx: ThreadCtx, m: MemberRecord, at: string): void {
    const user = this.#d.host.open(userDocName(userId));
    writeUserThread(user.doc, {
      id: ctx.row.id,
      topic: ctx.row.topic,
      role: m.role,
      joinedOn: at,
      fromSeq: m.fromSeq,
      generation: m.generation,
    });
  }

  #touchUserThread(
    userId: string,
    threadId: string,
    fields: { topic?: string; removedOn?: string; deletedOn?: string },
  ): void {
    const user = this.#d.host.open(userDocName(userId));
    const existing = threadsMap(user.doc).get(threadId);
    if (!existing) return;
    writeUserThread(user.doc, { ...existing, ...fields });
  }

  /**
   * Publishes a change: transactional observers (the webhook outbox) run now, inside the unit, so
   * their writes commit with the change; the others run after the commit.
   */
  #emit<K extends keyof RelaySignals>(name: K, event: Parameters<NonNullable<RelaySignals[K]>>[0]): void {
    const inTx = this.#d.transactionalSignals?.[name] as ((e: typeof event) => void) | undefined;
    inTx?.(event);
    this.#d.committer.afterCommit(() =>
      (this.#d.signals[name] as ((e: typeof event) => void) | undefined)?.(event),
    );
  }

  #iso(): string {
    return new Date(this.#d.now()).toISOString();
  }
}
