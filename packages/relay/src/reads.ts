import {
  headDocName,
  type MemberRecord,
  type MessageRecord,
  type MessageRow,
  pageDocName,
  readMembers,
  readMessage,
  readMeta,
  type RelayStore,
  type ThreadMeta,
} from '@parley/model';
import { ParleyError } from '@parley/protocol';
import type { AccessControl } from './access.ts';
import type { Actor, ListOptions, Page, ThreadItem } from './api.ts';
import type { DocHost } from './docHost.ts';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 200;

const pageSizeOf = (n: number | undefined): number =>
  n === undefined ? DEFAULT_PAGE_SIZE : Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor(n)));

/** Continuations are opaque to clients: base64url of a small JSON object. */
export const encodeContinuation = (value: Record<string, unknown>): string =>
  Buffer.from(JSON.stringify(value)).toString('base64url');

export const decodeContinuation = (token: string | undefined): Record<string, unknown> | undefined => {
  if (token === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new ParleyError('INVALID_REQUEST', 'The continuation token is not valid.');
};

/**
 * The read side of RelayOperations: everything a member may see, with history visibility applied
 * (messages before the member's fromSeq do not exist for it).
 */
export class Reads {
  readonly #store: RelayStore;
  readonly #host: DocHost;
  readonly #access: AccessControl;

  constructor(store: RelayStore, host: DocHost, access: AccessControl) {
    this.#store = store;
    this.#host = host;
    this.#access = access;
  }

  getThread(actor: Actor, threadId: string): ThreadMeta {
    this.#access.member(actor, threadId);
    const meta = readMeta(this.#host.open(headDocName(threadId)).doc);
    if (!meta) throw new ParleyError('THREAD_NOT_FOUND', `Thread ${threadId} does not exist.`);
    return meta;
  }

  listThreads(actor: Actor, options: ListOptions & { readonly startTime?: string } = {}): Page<ThreadItem> {
    const size = pageSizeOf(options.maxPageSize);
    const skip = Number(decodeContinuation(options.continuation)?.skip ?? 0);
    const since = options.startTime ? Date.parse(options.startTime) : undefined;
    const items: ThreadItem[] = [];
    for (const m of this.#store.members.threadsOf(actor.userId)) {
      const t = this.#store.threads.get(m.threadId);
      if (!t) continue;
      const activity = t.lastMessageOn ?? t.createdOn;
      if (since !== undefined && Date.parse(activity) < since) continue;
      items.push({
        id: t.id,
        topic: t.topic,
        ...(t.deletedOn ? { deletedOn: t.deletedOn } : {}),
        ...(t.lastMessageOn ? { lastMessageReceivedOn: t.lastMessageOn } : {}),
      });
    }
    items.sort(
      (a, b) =>
        (b.lastMessageReceivedOn ?? '').localeCompare(a.lastMessageReceivedOn ?? '') ||
        a.id.localeCompare(b.id),
    );
    const slice = items.slice(skip, skip + size);
    return skip + size < items.length
      ? { items: slice, continuation: encodeContinuation({ skip: skip + size }) }
      : { items: slice };
  }

  /** Newest first, as ACS lists them. */
  async listMessages(
    actor: Actor,
    threadId: string,
    options: ListOptions & { readonly startTime?: string } = {},
  ): Promise<Page<MessageRecord>> {
    const member = this.#access.member(actor, threadId);
    const size = pageSizeOf(options.maxPageSize);
    const cont = decodeContinuation(options.continuation);
    const beforeSeq = typeof cont?.beforeSeq === 'number' ? cont.beforeSeq : undefined;
    const startTime = options.startTime ? new Date(options.startTime).toISOString() : undefined;
    const rows = this.#store.messages.list(threadId, {
      ...(beforeSeq !== undefined ? { beforeSeq } : {}),
      afterSeq: member.fromSeq - 1,
      limit: size + 1,
      order: 'desc',
    });
    const visible = rows.filter((r) => r.seq >= member.fromSeq && (!startTime || r.createdOn >= startTime));
    const pageRows = visible.slice(0, size);
    const items = pageRows.map((r) => this.#message(r)).filter((m): m is MessageRecord => m !== undefined);
    const more = rows.length > size && (!startTime || visible.length > size);
    const last = pageRows.at(-1);
    return more && last ? { items, continuation: encodeContinuation({ beforeSeq: last.seq }) } : { items };
  }

  async getMessage(actor: Actor, threadId: string, messageId: string): Promise<MessageRecord> {
    const member = this.#access.member(actor, threadId);
    const row = this.#store.messages.get(threadId, messageId);
    if (!row || row.seq < member.fromSeq)
      throw new ParleyError('MESSAGE_NOT_FOUND', `Message ${messageId} does not exist.`);
    const message = this.#message(row);
    if (!message) throw new ParleyError('MESSAGE_NOT_FOUND', `Message ${messageId} does not exist.`);
    return message;
  }

  listParticipants(
    actor: Actor,
    threadId: string,
    options: { readonly maxPageSize?: number; readonly skip?: number } = {},
  ): Page<MemberRecord> & { total: number } {
    this.#access.member(actor, threadId);
    const all = readMembers(this.#host.open(headDocName(threadId)).doc);
    const size = pageSizeOf(options.maxPageSize);
    const skip = Math.max(0, Math.floor(options.skip ?? 0));
    const items = all.slice(skip, skip + size);
    return skip + size < all.length
      ? { items, total: all.length, continuation: encodeContinuation({ skip: skip + size }) }
      : { items, total: all.length };
  }

  listReadReceipts(
    actor: Actor,
    threadId: string,
    options: { readonly maxPageSize?: number; readonly skip?: number } = {},
  ) {
    const member = this.#access.member(actor, threadId);
    const all = this.#store.receipts
      .list(threadId)
      .filter((r) => r.seq >= member.fromSeq)
      .map((r) => ({ userId: r.userId, messageId: r.messageId, seq: r.seq, readOn: r.readOn }));
    const size = pageSizeOf(options.maxPageSize);
    const skip = Math.max(0, Math.floor(options.skip ?? 0));
    const items = all.slice(skip, skip + size);
    return skip + size < all.length
      ? { items, continuation: encodeContinuation({ skip: skip + size }) }
      : { items };
  }

  #message(row: MessageRow): MessageRecord | undefined {
    return readMessage(this.#host.open(pageDocName(row.threadId, row.page)).doc, row.messageId);
  }
}
