import {
  encodeRedactedState,
  headDocName,
  hiddenBefore,
  type MemberRecord,
  type MessageRecord,
  type RelayStore,
  readMember,
  readMessages,
  readMeta,
} from '@parley/model';
import { ParleyError } from '@parley/protocol';
import * as Y from 'yjs';
import { loadStoredDoc, pagesOf } from './storedDoc.ts';
import { requireThread } from './threads.ts';

/** Options of `listThreadMessages`. */
export interface MessageQuery {
  /** Only messages with seq ≥ this. */
  readonly fromSeq?: number;
  /** At most this many (the oldest first). */
  readonly limit?: number;
  /** Show exactly what this member may receive: pages are redacted for it as the relay does. */
  readonly as?: string;
}

/** What `parley messages` shows. */
export interface MessageListing {
  readonly threadId: string;
  /** The member the listing was made for, with its visibility. */
  readonly as?: { readonly userId: string; readonly fromSeq: number; readonly generation: number };
  /** Messages in sequenceId order. */
  readonly messages: MessageRecord[];
}

const memberFor = (store: RelayStore, threadId: string, userId: string, head: Y.Doc): MemberRecord => {
  const member = readMember(head, userId);
  if (member) return member;
  const row = store.members.get(threadId, userId);
  if (row?.removedOn)
    throw new ParleyError('NOT_A_MEMBER', `${userId} was removed from ${threadId} on ${row.removedOn}.`);
  throw new ParleyError('NOT_A_MEMBER', `${userId} is not a member of ${threadId}.`);
};

/**
 * Messages of a thread in seq order, read from its page docs. With `as`, each page the member may
 * sync is encoded with `encodeRedactedState` for that member, applied to a fresh doc and read back,
 * so the listing holds exactly what the member can receive.
 *
 * @example
 * listThreadMessages(store, threadId, { as: 'carol', limit: 50 });
 */
export const listThreadMessages = (
  store: RelayStore,
  threadId: string,
  query: MessageQuery = {},
): MessageListing => {
  const row = requireThread(store, threadId);
  if (row.deletedOn) {
    if (query.as !== undefined) throw new ParleyError('THREAD_DELETED', `Thread ${threadId} was deleted.`);
    return { threadId, messages: [] };
  }
  const head = loadStoredDoc(store, headDocName(threadId)).doc;
  const member = query.as === undefined ? undefined : memberFor(store, threadId, query.as, head);
  const fromSeq = query.fromSeq ?? 1;
  const currentPage = readMeta(head)?.currentPage;
  const pages = pagesOf(head, row).filter(
    // The pages the relay lets the member sync (AccessControl): any that reaches its fromSeq, and
    // the current page.
    (p) =>
      p.count > 0 &&
      p.lastSeq >= fromSeq &&
      (member === undefined || p.lastSeq >= member.fromSeq || p.page === currentPage),
  );
  head.destroy();
  const limit = query.limit ?? Number.POSITIVE_INFINITY;
  const out: MessageRecord[] = [];
  for (const p of pages) {
    if (out.length >= limit) break;
    const stored = loadStoredDoc(store, `${headDocName(threadId)}:${p.page}`).doc;
    let page = stored;
    if (member && p.firstSeq < member.fromSeq) {
      const hidden = hiddenBefore(member.fromSeq, (id) => store.messages.get(threadId, id)?.seq);
      page = new Y.Doc();
      Y.applyUpdate(page, encodeRedactedState(stored, hidden));
      stored.destroy();
    }
    // No filter by the member's fromSeq here: what the redacted doc holds is what it receives.
    for (const m of readMessages(page)) if (m.seq >= fromSeq && out.length < limit) out.push(m);
    page.destroy();
  }
  return {
    threadId,
    ...(member ? { as: { userId: member.id, fromSeq: member.fromSeq, generation: member.generation } } : {}),
    messages: out,
  };
};
