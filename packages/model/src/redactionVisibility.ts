import * as Y from 'yjs';
import { ROOT } from './schema.ts';

/** Decides visibility from the message KEY (id) via an index, never from possibly-GC'd fields. */
export type HiddenPredicate = (messageId: string) => boolean;

/**
 * Hidden = the message's `seq` is below `fromSeq`. The seq is looked up by message id in the
 * relay's index (DESIGN.md §4 rule 3), because the message's own `seq` field may be garbage-collected.
 * A message the index does not know is hidden (fail closed): visibility must never depend on a guess.
 *
 * @example
 * ```ts
 * const hidden = hiddenBefore(member.fromSeq, (id) => index.get(id)?.seq);
 * const bytes = encodeRedactedState(pageDoc, hidden);
 * ```
 */
export const hiddenBefore = (
  fromSeq: number,
  seqOf: (messageId: string) => number | undefined,
): HiddenPredicate => {
  if (!Number.isFinite(fromSeq)) throw new Error(`hiddenBefore: fromSeq must be a number, got ${fromSeq}`);
  if (fromSeq <= 1) return () => false;
  return (messageId) => {
    const seq = seqOf(messageId);
    return seq === undefined || seq < fromSeq;
  };
};

/** Tells whether an integrated Item of the page doc belongs to a hidden message. */
export type ItemHidden = (item: Y.Item) => boolean;

/**
 * Builds the per-call classifier for Items of `doc`. An Item belongs to message `k` when its parent
 * is the `messages` root with key `k` (the message's entry), or when some ancestor type's own Item
 * is that entry (the fields inside the message's nested map, and anything nested deeper).
 * Results are memoised per parent type, so each message's predicate runs about once per call.
 * Items outside `messages` (other roots) are visible; Items whose ancestry cannot be resolved are
 * hidden (fail closed).
 */
export const createItemHidden = (doc: Y.Doc, hidden: HiddenPredicate): ItemHidden => {
  const messages = doc.share.get(ROOT.messages);
  if (messages === undefined) return () => false;
  const memo = new Map<Y.AbstractType<unknown>, boolean>();

  const entryHidden = (entry: Y.Item): boolean => (entry.parentSub === null ? true : hidden(entry.parentSub));

  const typeHidden = (type: Y.AbstractType<unknown>): boolean => {
    let current: Y.AbstractType<unknown> = type;
    for (;;) {
      const own = current._item;
      if (own === null) return false; // a root type other than `messages`
      const parent = own.parent;
      if (parent === messages) return entryHidden(own);
      if (!(parent instanceof Y.AbstractType)) return true;
      current = parent;
    }
  };

  return (item) => {
    const parent = item.parent;
    if (parent === messages) return entryHidden(item);
    if (!(parent instanceof Y.AbstractType)) return true;
    let verdict = memo.get(parent);
    if (verdict === undefined) {
      verdict = typeHidden(parent);
      memo.set(parent, verdict);
    }
    return verdict;
  };
};
