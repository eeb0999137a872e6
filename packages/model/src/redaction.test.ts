import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeRedactedState, type HiddenPredicate, hiddenBefore } from './redaction.ts';
import { encodeRedactedStateWith, type Placeholder } from './redactionState.ts';
import { redactUpdateWith } from './redactionUpdate.ts';
import { messagesMap, readMessage, readMessages, writeMessageFields, writeNewMessage } from './schema.ts';

// ---- a page history: several writer docs (relay incarnations) syncing into one source doc ----------

/** `stale`: the writer does not pull the source first (a relay incarnation with an old copy: concurrent edits). */
type Step = { readonly stale: boolean } & (
  | { readonly kind: 'insert'; readonly writer: number; readonly marker: string }
  | { readonly kind: 'edit'; readonly writer: number; readonly pick: number; readonly marker: string }
  | { readonly kind: 'delete'; readonly writer: number; readonly pick: number }
  | { readonly kind: 'purge'; readonly writer: number; readonly pick: number }
);

/** Marker text: mixed scripts so multi-byte UTF-8 is covered; made unique by the page when written. */
const markerArb = fc.string({
  minLength: 6,
  maxLength: 14,
  unit: fc.constantFrom(...Array.from('qwxzQWXZ0189éßЖ漢😀👩‍👧')),
});
const writerArb = fc.nat({ max: 3 });
const staleArb = fc.oneof(
  { arbitrary: fc.constant(false), weight: 4 },
  { arbitrary: fc.constant(true), weight: 1 },
);
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      writer: writerArb,
      stale: staleArb,
      marker: markerArb,
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('edit' as const),
      writer: writerArb,
      stale: staleArb,
      pick: fc.nat(),
      marker: markerArb,
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      writer: writerArb,
      stale: staleArb,
      pick: fc.nat(),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('purge' as const),
      writer: writerArb,
      stale: staleArb,
      pick: fc.nat(),
    }),
    weight: 1,
  },
);

/** The relay's page doc (`source`), its writers, and what the test knows about every message. */
class Page {
  readonly source: Y.Doc;
  /** Writer 0 is the source itself (local writes); the others are separate docs with their own clientIDs. */
  private readonly writers: Y.Doc[];
  /** The relay's index: message id → seq. */
  readonly seqs = new Map<string, number>();
  /** Every content string ever written per message (all must stay unseen while it is hidden). */
  readonly contents = new Map<string, string[]>();
  private readonly status = new Map<string, 'live' | 'deleted' | 'purged'>();
  private written = 0;

  constructor(writerCount: number, gc: boolean) {
    this.source = new Y.Doc({ gc });
    this.writers = [this.source];
    for (let i = 1; i < writerCount; i++) this.writers.push(new Y.Doc());
  }

  get lastSeq(): number {
    return this.seqs.size;
  }

  run(step: Step): void {
    const writer = this.writers[step.writer % this.writers.length]!;
    if (writer !== this.source && !step.stale) {
      Y.applyUpdate(writer, Y.encodeStateAsUpdate(this.source, Y.encodeStateVector(writer)));
    }
    this.apply(writer, step);
    if (writer !== this.source) {
      Y.applyUpdate(this.source, Y.encodeStateAsUpdate(writer, Y.encodeStateVector(this.source)));
    }
  }

  private apply(doc: Y.Doc, step: Step): void {
    const on = new Date(Date.UTC(2026, 0, 1, 0, 0, this.written++)).toISOString();
    if (step.kind === 'insert') {
      const seq = this.seqs.size + 1;
      const id = `msg-${seq}`;
      const content = this.unique(step.marker);
      this.seqs.set(id, seq); // the index knows the message before the doc changes
      this.contents.set(id, [content]);
      this.status.set(id, 'live');
      writeNewMessage(doc, {
        id,
        seq,
        type: 'text',
        sender: `user-${step.writer}`,
        content,
        priority: 'normal',
        createdOn: on,
        version: 1,
      });
      return;
    }
    const candidates = [...this.status]
      .filter(([, s]) => s === 'live' || (step.kind === 'purge' && s === 'deleted'))
      .map(([id]) => id);
    const id = candidates[step.pick % Math.max(1, candidates.length)];
    if (id === undefined) return;
    const version = (readMessage(doc, id)?.version ?? 1) + 1;
    if (step.kind === 'edit') {
      const content = this.unique(step.marker);
      this.contents.get(id)?.push(content);
      writeMessageFields(doc, id, { content, editedOn: on, version });
    } else if (step.kind === 'delete') {
      this.status.set(id, 'deleted');
      writeMessageFields(doc, id, { content: '', deletedOn: on, version });
    } else {
      this.status.set(id, 'purged');
      messagesMap(doc).delete(id);
    }
  }

  private unique(marker: string): string {
    return `⟦${this.written}⟧${marker}`;
  }
}

// ---- what a member must see ----------------------------------------------------------------------

const stateOf = (doc: Y.Doc): Map<number, number> => Y.decodeStateVector(Y.encodeStateVector(doc));

const containsBytes = (haystack: Uint8Array, needle: Uint8Array): boolean =>
  Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(needle) !== -1;

/** Asserts the member's copy: exactly the visible messages, equal state vector, nothing pending, no hidden bytes. */
const expectMemberSees = (
  page: Page,
  member: Y.Doc,
  hidden: HiddenPredicate,
  sent: readonly Uint8Array[],
) => {
  const visible = readMessages(page.source).filter((m) => !hidden(m.id));
  expect(readMessages(member)).toEqual(visible);
  const visibleKeys = [...messagesMap(page.source).keys()].filter((k) => !hidden(k)).sort();
  expect([...messagesMap(member).keys()].sort()).toEqual(visibleKeys);
  expect(stateOf(member)).toEqual(stateOf(page.source));
  expect(member.store.pendingStructs).toBeNull();
  expect(member.store.pendingDs).toBeNull();
  for (const [id, contents] of page.contents) {
    if (!hidden(id)) continue;
    for (const content of contents) {
      const needle = Buffer.from(content, 'utf8');
      for (const bytes of sent)
        expect(containsBytes(bytes, needle), `content of hidden ${id} was sent`).toBe(false);
    }
  }
};

/** 200 by default; a longer hunt: REDACTION_RUNS=4000 npx vitest run --project model --testTimeout=600000 */
const RUNS = Number(process.env.REDACTION_RUNS ?? 200);

// ---- the properties ------------------------------------------------------------------------------

const historyArb = fc.record({
  writers: fc.integer({ min: 1, max: 4 }),
  gc: fc.boolean(),
  initial: fc.array(stepArb, { minLength: 1, maxLength: 30 }),
  fromSeqPick: fc.nat(),
  memberGc: fc.boolean(),
});

type History = { writers: number; gc: boolean; initial: Step[]; fromSeqPick: number; memberGc: boolean };

const laterArb = fc.array(fc.record({ step: stepArb, syncDiff: fc.boolean() }), {
  minLength: 1,
  maxLength: 25,
});

const buildPage = (h: History) => {
  const page = new Page(h.writers, h.gc);
  for (const step of h.initial) page.run(step);
  const fromSeq = 1 + (h.fromSeqPick % (page.lastSeq + 1));
  const hidden = hiddenBefore(fromSeq, (id) => page.seqs.get(id));
  return { page, hidden };
};

/** Property 1: a fresh member applying the redacted state sees exactly the visible messages. */
const initialSyncProperty = (placeholder: Placeholder) =>
  fc.property(historyArb, (h) => {
    const { page, hidden } = buildPage(h);
    const bytes = encodeRedactedStateWith(page.source, hidden, undefined, placeholder);
    const member = new Y.Doc({ gc: h.memberGc });
    Y.applyUpdate(member, bytes);
    expectMemberSees(page, member, hidden, [bytes]);
  });

/** Property 2: later changes, redacted live (member A) and as state-vector diffs (member B). */
const liveSyncProperty = (placeholder: Placeholder) =>
  fc.property(historyArb, laterArb, (h, later) => {
    const { page, hidden } = buildPage(h);
    const initial = encodeRedactedStateWith(page.source, hidden, undefined, placeholder);
    const memberA = new Y.Doc({ gc: h.memberGc });
    const memberB = new Y.Doc({ gc: !h.memberGc });
    Y.applyUpdate(memberA, initial);
    Y.applyUpdate(memberB, initial);
    const sent: Uint8Array[] = [initial];
    // the relay redacts inside its update handler: the doc has just applied the update
    page.source.on('update', (update: Uint8Array) => {
      const redacted = redactUpdateWith(page.source, update, hidden, placeholder);
      sent.push(redacted);
      Y.applyUpdate(memberA, redacted);
    });
    const syncB = () => {
      const diff = encodeRedactedStateWith(page.source, hidden, Y.encodeStateVector(memberB), placeholder);
      sent.push(diff);
      Y.applyUpdate(memberB, diff);
    };
    for (const { step, syncDiff } of later) {
      page.run(step);
      expect(memberA.store.pendingStructs).toBeNull();
      if (syncDiff) syncB();
    }
    syncB();
    expectMemberSees(page, memberA, hidden, sent);
    expectMemberSees(page, memberB, hidden, sent);
  });

describe('encodeRedactedState', () => {
  it('a fresh member holds exactly the visible messages, equal state vector, no hidden bytes', () => {
    fc.assert(initialSyncProperty('gc'), { numRuns: RUNS });
  });

  it('gives a member the whole doc when nothing is hidden', () => {
    fc.assert(
      fc.property(historyArb, (h) => {
        const { page } = buildPage(h);
        const member = new Y.Doc({ gc: h.gc });
        Y.applyUpdate(
          member,
          encodeRedactedState(page.source, () => false),
        );
        expect(readMessages(member)).toEqual(readMessages(page.source));
        expect(messagesMap(member).toJSON()).toEqual(messagesMap(page.source).toJSON());
        expect(stateOf(member)).toEqual(stateOf(page.source));
        // the same deletions (struct boundaries may differ: adjacent GC structs are sent merged)
        const deletions = (doc: Y.Doc) => Y.createDeleteSetFromStructStore(doc.store);
        expect(Y.equalDeleteSets(deletions(member), deletions(page.source))).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('redactUpdate', () => {
  it('live updates and state-vector diffs keep a member equal to the visible history', () => {
    fc.assert(liveSyncProperty('gc'), { numRuns: RUNS });
  });
});

describe('the properties catch a wrong redactor', () => {
  it('dropping hidden structs instead of writing GC placeholders fails the initial-sync property', () => {
    const result = fc.check(initialSyncProperty('drop'), { numRuns: RUNS, endOnFailure: true });
    expect(result.failed).toBe(true);
  });

  it('dropping hidden structs fails the live-sync property', () => {
    const result = fc.check(liveSyncProperty('drop'), { numRuns: RUNS, endOnFailure: true });
    expect(result.failed).toBe(true);
  });
});
