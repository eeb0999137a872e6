/**
 * Workload sizes. `full` is what `npm run bench` runs (about 10 minutes on 2 cores once the
 * seeded Parley databases are cached; the first run seeds them through the relay and takes
 * longer); `smoke` is the CI smoke test's tiny size.
 */
import type { ServerKind } from './clients/conn.ts';
import { serverKinds } from './lib/servers.ts';

export interface BenchSizes {
  readonly kinds: readonly ServerKind[];
  /**
   * W1, W5 and W6 run this many rounds (each round every server once, in turn) and report the
   * median round's figures with their range: one run on this VM moved Parley's CPU per message
   * by ±20 % and flipped the p99 and W6 targets.
   */
  readonly rounds: number;
  readonly w1: {
    readonly sizes: readonly number[];
    readonly rates: readonly number[];
    readonly stepMs: number;
    readonly drainMs: number;
    readonly warmupRate: number;
    readonly warmupMs: number;
  };
  readonly w2: {
    readonly sessions: number;
    readonly threads: number;
    readonly perThread: number;
    /** Idle time before each measure; Parley's docs sleep after it (its default is 30 s). */
    readonly idleMs?: number;
  };
  readonly w3: { readonly size: number; readonly repeats: number; readonly oneDocRepeats: number };
  readonly w4: { readonly held: number; readonly missed: number; readonly repeats: number };
  readonly w5: { readonly rate: number; readonly durationMs: number };
  readonly w6: {
    readonly members: number;
    readonly typers: number;
    readonly typingMs: number;
    readonly receiptMs: number;
    readonly durationMs: number;
  };
}

export const sizes: Record<'full' | 'smoke', BenchSizes> = {
  full: {
    kinds: serverKinds,
    rounds: 3,
    w1: {
      sizes: [2, 20, 250],
      rates: [20, 100, 200, 400, 800, 1600, 3200],
      stepMs: 1500,
      drainMs: 1500,
      warmupRate: 100,
      warmupMs: 1000,
    },
    w2: { sessions: 1000, threads: 100, perThread: 1000, idleMs: 10_000 },
    w3: { size: 100_000, repeats: 5, oneDocRepeats: 3 },
    w4: { held: 1000, missed: 10_000, repeats: 5 },
    w5: { rate: 3000, durationMs: 2000 },
    w6: { members: 250, typers: 50, typingMs: 1000, receiptMs: 2000, durationMs: 5000 },
  },
  smoke: {
    kinds: serverKinds,
    rounds: 1,
    w1: { sizes: [3], rates: [20, 50], stepMs: 500, drainMs: 1500, warmupRate: 20, warmupMs: 300 },
    w2: { sessions: 10, threads: 2, perThread: 20, idleMs: 1000 },
    w3: { size: 200, repeats: 1, oneDocRepeats: 1 },
    w4: { held: 20, missed: 50, repeats: 1 },
    w5: { rate: 50, durationMs: 500 },
    w6: { members: 6, typers: 2, typingMs: 200, receiptMs: 400, durationMs: 600 },
  },
};
