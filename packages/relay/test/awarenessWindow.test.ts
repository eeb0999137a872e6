import { describe, expect, it } from 'vitest';
import { type AwarenessPeer, AwarenessRelay } from '../src/awarenessRelay.ts';
import { encodeAwarenessUpdate } from '../src/awarenessCodec.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Peers of one thread; the first types continuously for `ms`; returns batches received per peer. */
const run = async (peers: number, maxWritesPerSecond: number | undefined, ms: number): Promise<number[]> => {
  const relay = new AwarenessRelay({
    windowMs: 20,
    ...(maxWritesPerSecond !== undefined ? { maxWritesPerSecond } : {}),
    expireMs: 30_000,
    perSessionPerSecond: 1000,
    memberCutoff: Number.POSITIVE_INFINITY,
    memberCount: () => peers,
    metrics: {},
    now: Date.now,
  });
  const received = new Array<number>(peers).fill(0);
  const list: AwarenessPeer[] = received.map((_, i) => ({
    id: `s${i}`,
    claims: { userId: `u${i}`, displayName: `U${i}`, scope: 'chat' },
    sendAwareness: () => {
      received[i]!++;
    },
    sendCode: () => undefined,
  }));
  const sub = { ref: { kind: 'head', threadId: 'thread-window' } };
  for (const p of list) relay.sendAll(p, sub);
  const started = Date.now();
  for (let clock = 1; Date.now() - started < ms; clock++) {
    relay.receive(list[0]!, sub, encodeAwarenessUpdate([{ clientId: 7, clock, state: { typing: clock } }]));
    await sleep(5);
  }
  await sleep(150);
  relay.close();
  return received;
};

describe('awareness fan-out window', () => {
  it('grows with the thread so that a batch costs at most the write budget per second', async () => {
    // 10 subscribers at 100 writes a second: one batch per 100 ms, not per 20.
    const paced = await run(10, 100, 600);
    const free = await run(10, undefined, 600);
    expect(Math.max(...paced)).toBeLessThanOrEqual(8);
    expect(Math.min(...free)).toBeGreaterThanOrEqual(12);
    // A small thread keeps the base window.
    const small = await run(2, 100, 600);
    expect(Math.min(...small)).toBeGreaterThanOrEqual(12);
  });
});
