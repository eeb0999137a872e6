import {
  type DocRef,
  headDocName,
  hiddenBefore,
  type HiddenPredicate,
  type MemberRecord,
  readMember,
  readPages,
  type RelayStore,
} from '@parley/model';
import { ParleyError } from '@parley/protocol';
import type { Actor } from './api.ts';
import type { DocHost, HostedDoc } from './docHost.ts';
import type * as Y from 'yjs';

/** What a session may do with one doc. */
export interface DocAccess {
  readonly mode: 'read' | 'readwrite';
  /** The member's visibility generation (thread docs only). */
  readonly generation?: number;
  /** Set when this page straddles the member's fromSeq: the member gets it redacted. */
  readonly hidden?: HiddenPredicate;
  readonly member?: MemberRecord;
}

/**
 * Decides access for subscriptions on both socket endpoints and for HTTP reads, from the head doc
 * (the source of truth for membership) and the message index (for visibility by key).
 */
export class AccessControl {
  readonly #store: RelayStore;
  readonly #host: DocHost;
  /** page doc → (message id → seq), filled from the index on demand. Keyed by the Y.Doc, which a
   * reload after a rolled-back unit replaces. */
  readonly #seqCache = new WeakMap<Y.Doc, Map<string, number>>();

  constructor(store: RelayStore, host: DocHost) {
    this.#store = store;
    this.#host = host;
  }

  /** Throws ParleyError (NOT_A_MEMBER, THREAD_NOT_FOUND, THREAD_DELETED, HISTORY_NOT_VISIBLE, …). */
  check(actor: Actor, ref: DocRef): DocAccess {
    if (ref.kind === 'user') {
      if (ref.userId !== actor.userId)
        throw new ParleyError('FORBIDDEN', 'A user doc is readable only by its user.');
      return { mode: 'readwrite' };
    }
    const member = this.member(actor, ref.threadId);
    if (ref.kind === 'head') return { mode: 'read', generation: member.generation, member };
    const head = this.#host.open(headDocName(ref.threadId));
    const page = readPages(head.doc).find((p) => p.page === ref.page);
    if (!page) throw new ParleyError('DOC_NOT_FOUND', `Thread ${ref.threadId} has no page ${ref.page}.`);
    const isCurrent = page.page === (head.doc.getMap('meta').get('currentPage') as number | undefined);
    if (!isCurrent && page.lastSeq < member.fromSeq) {
      throw new ParleyError(
        'HISTORY_NOT_VISIBLE',
        `Page ${ref.page} holds only history not shared with ${actor.userId}.`,
      );
    }
    const base = { mode: 'read' as const, generation: member.generation, member };
    // Decided from firstSeq only: the current page's count in the head trails by the activity window.
    if (page.firstSeq >= member.fromSeq) return base;
    return {
      ...base,
      hidden: this.hiddenFor(
        ref.threadId,
        this.#host.open(`thread:${ref.threadId}:${ref.page}`),
        member.fromSeq,
      ),
    };
  }

  /** The actor's active membership, or the reason there is none. */
  member(actor: Actor, threadId: string): MemberRecord {
    const row = this.#store.threads.get(threadId);
    if (!row) throw new ParleyError('THREAD_NOT_FOUND', `Thread ${threadId} does not exist.`);
    if (row.deletedOn) throw new ParleyError('THREAD_DELETED', `Thread ${threadId} was deleted.`);
    const member = readMember(this.#host.open(headDocName(threadId)).doc, actor.userId);
    if (!member) throw new ParleyError('NOT_A_MEMBER', `${actor.userId} is not a member of ${threadId}.`);
    return member;
  }

  /** Hidden = seq < fromSeq, with seq looked up by message id through the index. */
  hiddenFor(threadId: string, page: HostedDoc, fromSeq: number): HiddenPredicate {
    let cache = this.#seqCache.get(page.doc);
    if (!cache) {
      cache = new Map();
      this.#seqCache.set(page.doc, cache);
    }
    const seqs = cache;
    return hiddenBefore(fromSeq, (messageId) => {
      let seq = seqs.get(messageId);
      if (seq === undefined) {
        seq = this.#store.messages.get(threadId, messageId)?.seq;
        if (seq !== undefined) seqs.set(messageId, seq);
      }
      return seq;
    });
  }
}
