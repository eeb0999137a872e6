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

/** A shared type as Yjs types an Item's parent. */
type SharedType = Exclude<Y.Item['parent'], Y.ID | null>;

/**
 * Tells whether Items of one page doc belong to hidden messages; one instance per redaction call.
 * An Item belongs to message `k` when its parent is the `messages` root with key `k` (the message's
 * entry), or when some ancestor type's own Item is that entry (the fields inside the message's nested
 * map, and anything nested deeper). Verdicts are memoised per parent type, so the predicate runs
 * about once per message and call. Items outside `messages` (other roots) are visible; Items whose
 * ancestry cannot be resolved are hidden (fail closed). A class rather than closures: it is built on
 * every live update, and a class allocates nothing but itself and its memo.
 */
export class ItemVisibility {
  private readonly messages: SharedType | undefined;
  private readonly memo = new Map<SharedType, boolean>();

  constructor(
    doc: Y.Doc,
    private readonly hidden: HiddenPredicate,
  ) {
    this.messages = doc.share.get(ROOT.messages);
  }

  isHidden(item: Y.Item): boolean {
    const messages = this.messages;
    if (messages === undefined) return false;
    const parent = item.parent;
    if (parent === messages) return this.entryHidden(item);
    if (!(parent instanceof Y.AbstractType)) return true;
    let verdict = this.memo.get(parent);
    if (verdict === undefined) {
      verdict = this.typeHidden(parent, messages);
      this.memo.set(parent, verdict);
    }
    return verdict;
  }

  private entryHidden(entry: Y.Item): boolean {
    return entry.parentSub === null ? true : this.hidden(entry.parentSub);
  }

  private typeHidden(type: SharedType, messages: SharedType): boolean {
    let current = type;
    for (;;) {
      const own = current._item;
      if (own === null) return false; // a root type other than `messages`
      const parent = own.parent;
      if (parent === messages) return this.entryHidden(own);
      if (!(parent instanceof Y.AbstractType)) return true;
      current = parent;
    }
  }
}
