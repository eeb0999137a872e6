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

describe('awareness bookkeeping', () => {
  const options = {
    windowMs: 5,
    expireMs: 30_000,
    perSessionPerSecond: 1000,
    memberCutoff: Number.POSITIVE_INFINITY,
    memberCount: () => 2,
    metrics: {},
    now: Date.now,
  };
  const peer = (id: string, sent: Uint8Array[] = []): AwarenessPeer => ({
    id,
    claims: { userId: `u-${id}`, displayName: id, scope: 'chat' },
    sendAwareness: (_doc, update) => {
      sent.push(update);
    },
    sendCode: () => undefined,
  });

  it('forgets a thread once its last subscriber leaves', async () => {
    const relay = new AwarenessRelay(options);
    try {
      // Idle subscribers that never sent a state: nothing stays behind when they go.
      for (let t = 0; t < 50; t++) {
        const sub = { ref: { kind: 'head', threadId: `idle-${t}` } };
        const p = peer(`idle-${t}`);
        relay.sendAll(p, sub);
        relay.leave(p, `idle-${t}`);
      }
      expect(relay.threads).toBe(0);

      // A subscriber that typed: the others are told it stopped, then the thread is forgotten.
      const sub = { ref: { kind: 'head', threadId: 'busy' } };
      const typing = peer('typing');
      const seen: Uint8Array[] = [];
      const watcher = peer('watcher', seen);
      relay.sendAll(typing, sub);
      relay.sendAll(watcher, sub);
      relay.receive(typing, sub, encodeAwarenessUpdate([{ clientId: 9, clock: 1, state: { typing: true } }]));
      await sleep(30);
      expect(seen).toHaveLength(1);
      relay.leave(typing, 'busy');
      await sleep(30);
      expect(seen).toHaveLength(2); // the removal of client 9
      expect(relay.threads).toBe(1);
      relay.leave(watcher, 'busy');
      expect(relay.threads).toBe(0);

      // A newcomer to a thread that had states is sent the ones still live, and only those.
      const a = peer('a');
      const late: Uint8Array[] = [];
      relay.sendAll(a, { ref: { kind: 'head', threadId: 'again' } });
      relay.receive(
        a,
        { ref: { kind: 'head', threadId: 'again' } },
        encodeAwarenessUpdate([{ clientId: 4, clock: 1, state: { x: 1 } }]),
      );
      relay.sendAll(peer('b', late), { ref: { kind: 'head', threadId: 'again' } });
      expect(late).toHaveLength(1);
    } finally {
      relay.close();
    }
  });

  it('forgets a thread over the member cutoff too, where nothing is relayed', async () => {
    const relay = new AwarenessRelay({ ...options, memberCutoff: 1 });
    try {
      const sub = { ref: { kind: 'head', threadId: 'crowded' } };
      const seen: Uint8Array[] = [];
      const typing = peer('typing', seen);
      relay.sendAll(typing, sub);
      relay.receive(typing, sub, encodeAwarenessUpdate([{ clientId: 3, clock: 1, state: { typing: true } }]));
      relay.leave(typing, 'crowded');
      await sleep(30);
      expect(seen).toHaveLength(0);
      expect(relay.threads).toBe(0);
    } finally {
      relay.close();
    }
  });
});
