/**
 * Cost of history redaction (not a test; run `npx tsx bench/redaction.ts`).
 *
 * 1. A 1,000-message page (every 10th message edited, every 20th deleted, written by two relay
 *    incarnations): median time of `encodeRedactedState` with the older half hidden, against plain
 *    `Y.encodeStateAsUpdate` of the same doc, interleaved run by run. Budget: ratio ≤ 3×.
 * 2. Per-call cost of `redactUpdate` on a one-message live update, as the relay sees it in its
 *    update handler: a new (visible) message, which passes through unchanged, and an edit of a
 *    hidden message, which is rewritten with placeholders. Target: < 20 µs per call.
 */
import {
  encodeRedactedState,
  hiddenBefore,
  type MessageRecord,
  messagesMap,
  redactUpdate,
  writeMessageFields,
  writeNewMessage,
} from '@parley/model';
import * as Y from 'yjs';

const MESSAGES = 1_000;
const FROM_SEQ = MESSAGES / 2 + 1;
const STATE_RUNS = 101;
const UPDATE_CALLS = 50_000;

const sentence = (seq: number): string =>
  `Message ${seq}: the quick brown fox jumps over the lazy dog, then reads the release notes 🦊.`;

const message = (seq: number): MessageRecord => ({
  id: `msg-${seq.toString(36)}-${(seq * 7919).toString(36)}`,
  seq,
  type: 'text',
  sender: `user-${seq % 7}`,
  senderDisplayName: `User ${seq % 7}`,
  content: sentence(seq),
  priority: 'normal',
  createdOn: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
  version: 1,
});

/** The page as the relay holds it, and its index id → seq. */
const buildPage = () => {
  const page = new Y.Doc();
  const index = new Map<string, number>();
  let writer = new Y.Doc();
  for (let seq = 1; seq <= MESSAGES; seq++) {
    if (seq === MESSAGES / 2) {
      // a relay restart: the rest is written under another clientID
      Y.applyUpdate(page, Y.encodeStateAsUpdate(writer, Y.encodeStateVector(page)));
      writer = new Y.Doc();
      Y.applyUpdate(writer, Y.encodeStateAsUpdate(page));
    }
    const m = message(seq);
    index.set(m.id, seq);
    writeNewMessage(writer, m);
    if (seq % 10 === 0) writeMessageFields(writer, m.id, { content: `${m.content} (edited)`, version: 2 });
    if (seq % 20 === 0) writeMessageFields(writer, m.id, { content: '', deletedOn: m.createdOn, version: 3 });
  }
  Y.applyUpdate(page, Y.encodeStateAsUpdate(writer, Y.encodeStateVector(page)));
  return { page, index };
};

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

const time = (fn: () => unknown): number => {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
};

const { page, index } = buildPage();
const hidden = hiddenBefore(FROM_SEQ, (id) => index.get(id));

// sanity: the redacted state really hides half, so the timing measures real work
const check = new Y.Doc();
Y.applyUpdate(check, encodeRedactedState(page, hidden));
if (messagesMap(check).size !== MESSAGES - FROM_SEQ + 1) throw new Error('redaction hid the wrong messages');

// ---- 1. full state: redacted vs plain ------------------------------------------------------------
const plainMs: number[] = [];
const redactedMs: number[] = [];
let plainBytes = 0;
let redactedBytes = 0;
for (let i = 0; i < 10; i++) {
  Y.encodeStateAsUpdate(page);
  encodeRedactedState(page, hidden);
}
for (let i = 0; i < STATE_RUNS; i++) {
  plainMs.push(time(() => (plainBytes = Y.encodeStateAsUpdate(page).length)));
  redactedMs.push(time(() => (redactedBytes = encodeRedactedState(page, hidden).length)));
}

// ---- 2. live updates -----------------------------------------------------------------------------
/** Captures the update of one change, with redactUpdate timed inside the handler's doc state. */
const liveUpdate = (change: () => void): Uint8Array => {
  let captured: Uint8Array | undefined;
  const onUpdate = (u: Uint8Array) => {
    captured = u;
  };
  page.on('update', onUpdate);
  change();
  page.off('update', onUpdate);
  if (captured === undefined) throw new Error('the change produced no update');
  return captured;
};

const perCallUs = (update: Uint8Array): { us: number; out: Uint8Array } => {
  let out = redactUpdate(page, update, hidden);
  for (let i = 0; i < 1_000; i++) redactUpdate(page, update, hidden);
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const ms = time(() => {
      for (let i = 0; i < UPDATE_CALLS; i++) out = redactUpdate(page, update, hidden);
    });
    runs.push((ms * 1000) / UPDATE_CALLS);
  }
  return { us: median(runs), out };
};

const newSeq = MESSAGES + 1;
const insert = liveUpdate(() => {
  const m = message(newSeq);
  index.set(m.id, newSeq);
  writeNewMessage(page, m);
});
const hiddenId = message(3).id;
const hiddenEdit = liveUpdate(() =>
  writeMessageFields(page, hiddenId, {
    content: 'a hidden edit',
    editedOn: new Date().toISOString(),
    version: 2,
  }),
);
const visibleInsert = perCallUs(insert);
const hiddenRewrite = perCallUs(hiddenEdit);
if (visibleInsert.out !== insert) throw new Error('a visible update should pass through unchanged');
if (Buffer.from(hiddenRewrite.out).includes(Buffer.from('a hidden edit')))
  throw new Error('hidden edit leaked');

// ---- report ----------------------------------------------------------------------------------------
const plain = median(plainMs);
const redacted = median(redactedMs);
const rows: [string, string, string][] = [
  ['Y.encodeStateAsUpdate, 1,000 messages', `${plain.toFixed(3)} ms`, `${plainBytes} B`],
  ['encodeRedactedState, 500 of 1,000 hidden', `${redacted.toFixed(3)} ms`, `${redactedBytes} B`],
  ['  ratio redacted / plain (budget ≤ 3×)', `${(redacted / plain).toFixed(2)}×`, ''],
  ['redactUpdate, new visible message', `${visibleInsert.us.toFixed(2)} µs`, `${insert.length} B`],
  [
    'redactUpdate, edit of a hidden message',
    `${hiddenRewrite.us.toFixed(2)} µs`,
    `${hiddenEdit.length} → ${hiddenRewrite.out.length} B`,
  ],
];
const width = Math.max(...rows.map((r) => r[0].length));
console.log(
  `redaction bench (medians; node ${process.version}; ${STATE_RUNS} state runs, ${UPDATE_CALLS} calls ×5)`,
);
for (const [name, value, size] of rows) console.log(`${name.padEnd(width)}  ${value.padStart(10)}  ${size}`);
