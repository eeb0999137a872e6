import type * as Y from 'yjs';
import { encodeRedactedStateWith } from './redactionState.ts';
import { redactUpdateWith } from './redactionUpdate.ts';
import type { HiddenPredicate } from './redactionVisibility.ts';

/**
 * History redaction for members who joined without full history (DESIGN.md §4). A page doc is
 * served to such a member with every struct of a hidden message written as a Yjs GC struct of the
 * same length: the member's doc integrates it as already garbage-collected content, so hidden
 * content never crosses the wire while state vectors stay equal and nothing goes pending.
 */

export type { HiddenPredicate } from './redactionVisibility.ts';
export { hiddenBefore } from './redactionVisibility.ts';

/**
 * Encode the page doc's state (or its diff against `stateVector`) as seen by a member: every struct
 * belonging to a hidden message (the message's entry in `messages` and every item inside its nested
 * map) is written as a GC struct of the same length. V1 update format, directly applicable with
 * `Y.applyUpdate`.
 *
 * @example
 * ```ts
 * const hidden = hiddenBefore(member.fromSeq, (id) => index.get(id)?.seq);
 * // sync step 2 for that member: only what its state vector lacks
 * send(encodeRedactedState(pageDoc, hidden, memberStateVector));
 * ```
 */
export const encodeRedactedState = (
  doc: Y.Doc,
  hidden: HiddenPredicate,
  stateVector?: Uint8Array,
): Uint8Array => encodeRedactedStateWith(doc, hidden, stateVector, 'gc');

/**
 * Redact a live V1 update of the page (as produced by `doc.on('update')`) for a member. `doc` is the
 * page doc AFTER the update was applied (so every struct the update references can be resolved in
 * `doc.store`); a struct the doc does not hold is a programmer error and throws. Returns the update
 * itself when nothing in it is hidden. Redact in the update handler: a struct the doc has since
 * garbage-collected cannot be traced to its message any more and is sent as a GC placeholder too
 * (what a fresh sync would send), so later redaction of an old update can hide more than needed.
 *
 * @example
 * ```ts
 * pageDoc.on('update', (update) => {
 *   for (const member of restrictedMembers) member.send(redactUpdate(pageDoc, update, member.hidden));
 * });
 * ```
 */
export const redactUpdate = (doc: Y.Doc, update: Uint8Array, hidden: HiddenPredicate): Uint8Array =>
  redactUpdateWith(doc, update, hidden, 'gc');
