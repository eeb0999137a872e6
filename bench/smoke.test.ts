/**
 * The bench at a tiny size, as a CI smoke test: the harness runs end to end against Parley and
 * one alternative, and its figures are sane. No timing is asserted (timings are bench figures).
 */
import { describe, expect, it } from 'vitest';
import { runW1 } from './workloads/w1.ts';
import { runW4 } from './workloads/w3w4.ts';
import { runW6 } from './workloads/w6.ts';

describe('bench harness (tiny)', () => {
  it('W1: every message reaches every other member, for Parley and the raw relay', async () => {
    for (const kind of ['parley', 'raw'] as const) {
      const r = await runW1(kind, 3, {
        sizes: [3],
        rates: [20],
        stepMs: 500,
        drainMs: 10_000,
        warmupRate: 20,
        warmupMs: 200,
      });
      const step = r.steps[0]!;
      expect(step.sent).toBeGreaterThan(0);
      expect(step.expected).toBe(step.sent * 2);
      expect(step.delivered).toBe(step.expected);
      expect(step.cpuUsPerMsg).toBeGreaterThan(0);
    }
  });

  it('W4: a reconnecting Parley reader gets every missed message, at no less than the Yjs floor', async () => {
    const r = await runW4('parley', 20, 30, 1);
    const run = r.runs[0]!;
    expect(run.messages).toBeGreaterThanOrEqual(50);
    expect(run.newestSeq).toBeGreaterThanOrEqual(50);
    expect(run.allBytes).toBeGreaterThanOrEqual(run.floorBytes);
  });

  it('W6: Parley coalesces presence to at most 4 awareness frames a second per client', async () => {
    const r = await runW6('parley', {
      members: 6,
      typers: 2,
      typingMs: 100,
      receiptMs: 300,
      durationMs: 1000,
    });
    expect(r.awarenessPerSecMax).toBeGreaterThan(0);
    expect(r.awarenessPerSecMax).toBeLessThanOrEqual(4.5);
  });
});
