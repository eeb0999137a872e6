import {
  messagesMap,
  type OpEnvelope,
  type OpPayload,
  pageDocName,
  writeOp,
  writeResult,
} from '@parley/model';
import { expect, it } from 'vitest';
import * as Y from 'yjs';
import { type PruneOptions, settledOps } from './opPruning.ts';

const T = 'thread_pruning_unit_test_01';
const send = (messageId: string): OpPayload => ({
  type: 'sendMessage',
  threadId: T,
  messageId,
  content: 'hi',
  messageType: 'text',
});
const env = (id: string, device: string, n: number, op: OpPayload): OpEnvelope => ({
  id,
  device,
  n,
  createdOn: new Date(0).toISOString(),
  op,
});
const accepted = { status: 'accepted' as const, at: new Date(0).toISOString(), seq: 1 };
const rejected = {
  status: 'rejected' as const,
  at: new Date(0).toISOString(),
  code: 'NOT_A_MEMBER' as const,
  reason: 'x',
};

const setup = () => {
  const user = new Y.Doc();
  const page = new Y.Doc();
  const ops: [OpEnvelope, typeof accepted | typeof rejected | undefined][] = [
    [env('a1', 'me', 1, send('m-held')), accepted],
    [env('a2', 'me', 2, send('m-unheld')), accepted],
    [env('a3', 'me', 3, { type: 'updateThread', threadId: T, topic: 't' }), accepted],
    [env('r4', 'me', 4, send('m-failed')), rejected],
    [env('p5', 'me', 5, send('m-pending')), undefined],
    [env('o1', 'other', 1, { type: 'updateThread', threadId: T, topic: 'u' }), accepted],
    [env('a6', 'me', 6, { type: 'updateThread', threadId: T, topic: 'v' }), accepted],
  ];
  for (const [e, r] of ops) {
    writeOp(user, e);
    if (r) writeResult(user, e.id, r);
  }
  messagesMap(page).set('m-held', { seq: 1 });
  const base = (over: Partial<PruneOptions> = {}): PruneOptions => ({
    deviceId: 'me',
    discarded: new Set(),
    held: () => [pageDocName(T, 0)],
    doc: (name) => (name === pageDocName(T, 0) ? page : undefined),
    seenAt: new Map(),
    now: 1_000,
    graceMs: 100,
    unheldGraceMs: 10_000,
    ...over,
  });
  return { user, base };
};

it('prunes own settled intents after the grace; keeps pending, failed, others and the newest', () => {
  const { user, base } = setup();
  const seenAt = new Map<string, number>();
  // First look: results are seen now, nothing is old enough yet.
  expect(settledOps(user, base({ seenAt, now: 1_000 }))).toEqual([]);
  expect([...seenAt.keys()].sort()).toEqual(['a1', 'a2', 'a3']);
  // After the grace: the held message's send and the non-message op; not the unheld send.
  expect(settledOps(user, base({ seenAt, now: 1_100 })).sort()).toEqual(['a1', 'a3']);
  // After the longer grace the unheld send goes too.
  expect(settledOps(user, base({ seenAt, now: 11_000 })).sort()).toEqual(['a1', 'a2', 'a3']);
});

it('prunes a failed intent once it is discarded, never the newest one', () => {
  const { user, base } = setup();
  expect(settledOps(user, base({ discarded: new Set(['r4']) }))).toEqual(['r4']);
  expect(settledOps(user, base({ discarded: new Set(['a6']), now: 1_000_000 }))).not.toContain('a6');
});
