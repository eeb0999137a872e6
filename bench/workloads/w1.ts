/**
 * W1: one thread, N subscribed members; S = min(2, N) of them also send, at rising offered rates
 * (each step `stepMs` long, then up to `drainMs` for the last copies). A step passes when
 * ≥ 99.9 % of the N−1 copies of every message arrived and p99 ≤ 100 ms; the ladder stops when a
 * step loses copies or its p99 passes 1 s. Server CPU is read from the server process before and
 * after each step; the per-message figure is taken at the highest step that delivered everything
 * (so fixed idle costs are amortised as they are under load).
 */
import type { ServerKind } from '../clients/conn.ts';
import { countOf, type Histogram, merge, quantile } from '../lib/histogram.ts';
import type { BenchProcess } from '../lib/rpc.ts';
import { startServer, spawnClients } from '../lib/servers.ts';
import { median } from '../lib/table.ts';

export interface W1Options {
  readonly sizes: readonly number[];
  readonly rates: readonly number[];
  readonly stepMs: number;
  readonly drainMs: number;
  readonly warmupRate: number;
  readonly warmupMs: number;
  /** Profile the server over the whole ladder (after warm-up) into this `.cpuprofile` file. */
  readonly profilePath?: string;
}

export interface W1Step {
  readonly rate: number;
  readonly sent: number;
  readonly sentPerSec: number;
  readonly delivered: number;
  readonly expected: number;
  readonly p50: number;
  readonly p99: number;
  readonly cpuUsPerMsg: number;
  /** Parley: wall time inside the store (SQLite calls, BEGIN/COMMIT) per message, µs. */
  readonly storeUsPerMsg: number;
  readonly pass: boolean;
}

export interface W1Result {
  readonly kind: ServerKind;
  readonly n: number;
  readonly steps: W1Step[];
  /** Server CPU per second with everyone connected and nobody sending, µs. */
  readonly idleUsPerSec: number;
}

interface StoreTime {
  readonly storeMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const runW1 = async (kind: ServerKind, n: number, o: W1Options): Promise<W1Result> => {
  const server = await startServer(kind);
  const senders = spawnClients();
  const receivers = spawnClients();
  const steps: W1Step[] = [];
  let idleUsPerSec = Number.NaN;
  try {
    const threadId = `bench_w1_${kind}_${n}`;
    const members = Array.from({ length: n }, (_, i) => `m${i}`);
    await server.proc.call('setupThreads', { threads: [{ id: threadId, members }] });
    const s = Math.min(2, n);
    const base = { kind, url: server.url, threadId };
    await senders.call('open', { ...base, members: members.slice(0, s), sender: true });
    if (n > s) await receivers.call('open', { ...base, members: members.slice(s), sender: false });
    const both: BenchProcess[] = [senders, receivers];
    // warm-up (JIT, first page, buffers), not recorded; then the server's idle CPU for one second
    await senders.call('send', { tag: 'warmup', rate: o.warmupRate, durationMs: o.warmupMs });
    await sleep(500);
    const idle0 = await server.stats();
    await sleep(1000);
    const idle1 = await server.stats();
    idleUsPerSec = idle1.cpuUs - idle0.cpuUs;
    if (o.profilePath) await server.proc.call('profileStart');
    for (const [i, rate] of o.rates.entries()) {
      const tag = `step${String(i).padStart(2, '0')}`;
      await Promise.all(both.map((p) => p.call('begin', { tag })));
      const before = await server.stats();
      const storeBefore = kind === 'parley' ? await server.proc.call<StoreTime>('storeTime') : undefined;
      const sent = await senders.call<{ sent: number; ms: number }>('send', {
        tag,
        rate,
        durationMs: o.stepMs,
      });
      const expected = sent.sent * (n - 1);
      const deadline = performance.now() + o.drainMs;
      let tallies: { delivered: number; hist: Histogram }[] = [];
      while (true) {
        tallies = await Promise.all(both.map((p) => p.call<{ delivered: number; hist: Histogram }>('tally')));
        const delivered = tallies.reduce((a, t) => a + t.delivered, 0);
        if (delivered >= expected || performance.now() > deadline) break;
        await sleep(50);
      }
      // Parley's checkpoint thread copies the step's WAL pages inside the window.
      if (kind === 'parley') await server.proc.call('checkpointSettled', undefined, 10_000);
      const after = await server.stats();
      const storeAfter = kind === 'parley' ? await server.proc.call<StoreTime>('storeTime') : undefined;
      const hist: Histogram = {};
      for (const t of tallies) merge(hist, t.hist);
      const delivered = countOf(hist);
      const p99 = quantile(hist, 0.99);
      const step: W1Step = {
        rate,
        sent: sent.sent,
        sentPerSec: (sent.sent * 1000) / sent.ms,
        delivered,
        expected,
        p50: quantile(hist, 0.5),
        p99,
        cpuUsPerMsg: (after.cpuUs - before.cpuUs) / sent.sent,
        storeUsPerMsg:
          storeBefore && storeAfter
            ? (1000 * (storeAfter.storeMs - storeBefore.storeMs)) / sent.sent
            : Number.NaN,
        pass: delivered >= 0.999 * expected && p99 <= 100,
      };
      steps.push(step);
      if (process.env.BENCH_STEPS) {
        const c =
          kind === 'parley'
            ? await server.proc.call<{ n: number; p50: number; p99: number; max: number }>('commitTimes')
            : undefined;
        console.error(
          `    ${kind} N=${n} @${rate}: sent ${step.sent}, delivered ${delivered}/${expected}, p50 ${step.p50.toFixed(1)} p99 ${p99.toFixed(1)} ms, CPU ${step.cpuUsPerMsg.toFixed(0)} µs/msg${c ? `; commits ${c.n}: p50 ${c.p50.toFixed(2)} p99 ${c.p99.toFixed(2)} max ${c.max.toFixed(2)} ms` : ''}`,
        );
      }
      // Latency on a shared 2-core machine is noisy: a step that delivered everything but missed
      // p99 does not end the ladder; losing copies, or a p99 over a second (saturation), does.
      if (step.delivered < 0.999 * expected || p99 > 1000) break;
      // let a backlog of a passing step settle before the next
      await sleep(200);
    }
    if (o.profilePath) await server.proc.call('profileStop', { path: o.profilePath });
  } finally {
    await Promise.all([
      senders.call('close').catch(() => undefined),
      receivers.call('close').catch(() => undefined),
    ]);
    await Promise.all([senders.stop(), receivers.stop()]);
    await server.stop();
  }
  return { kind, n, steps, idleUsPerSec };
};

/**
 * Server CPU per message at the step offered `rate` msgs/s, if that step delivered every copy.
 * The ceiling figures read each server at the highest step it fully delivered, so servers whose
 * ladders stop at different steps are compared at different loads; this reads them at one.
 */
export const cpuAt = (r: W1Result, rate: number): number | undefined => {
  const step = r.steps.find((s) => s.rate === rate);
  return step && step.delivered >= 0.999 * step.expected ? step.cpuUsPerMsg : undefined;
};

/** The figures the issue asks for, from one ladder. */
export const w1Figures = (r: W1Result) => {
  const passing = r.steps.filter((s) => s.pass);
  const max = passing.at(-1);
  const at20 = r.steps[0];
  const full = r.steps.filter((s) => s.delivered >= 0.999 * s.expected);
  const loaded = full.at(-1) ?? at20;
  const cpu = loaded?.cpuUsPerMsg ?? Number.NaN;
  return {
    maxRate: max ? max.sentPerSec : 0,
    /** Highest rate at which every copy arrived (latency aside). */
    deliveredRate: loaded ? loaded.sentPerSec : 0,
    p50at20: at20?.p50,
    p99at20: at20?.p99,
    p50atMax: max?.p50,
    p99atMax: max?.p99,
    cpuUsPerMsg: cpu,
    storeUsPerMsg: loaded?.storeUsPerMsg,
    cpuMin: Math.min(...full.map((s) => s.cpuUsPerMsg)),
    cpuMax: Math.max(...full.map((s) => s.cpuUsPerMsg)),
    cpuUsPerCopy: cpu / Math.max(1, r.n - 1),
    ceiling: 1e6 / cpu,
  };
};

/**
 * The figures of several rounds of one server and N: the median of each (the CPU range is over
 * the rounds, the ceiling is that of the median CPU).
 */
export const w1Median = (rounds: readonly W1Result[]) => {
  const figs = rounds.map(w1Figures);
  const med = (pick: (f: ReturnType<typeof w1Figures>) => number | undefined): number | undefined => {
    const xs = figs.map(pick).filter((x): x is number => x !== undefined && !Number.isNaN(x));
    return xs.length === 0 ? undefined : median(xs);
  };
  const cpus = figs.map((f) => f.cpuUsPerMsg);
  const cpu = med((f) => f.cpuUsPerMsg) ?? Number.NaN;
  const n = rounds[0]?.n ?? 2;
  return {
    maxRate: med((f) => f.maxRate) ?? 0,
    deliveredRate: med((f) => f.deliveredRate) ?? 0,
    p50at20: med((f) => f.p50at20),
    p99at20: med((f) => f.p99at20),
    p50atMax: med((f) => f.p50atMax),
    p99atMax: med((f) => f.p99atMax),
    cpuUsPerMsg: cpu,
    storeUsPerMsg: med((f) => f.storeUsPerMsg),
    cpuMin: Math.min(...cpus),
    cpuMax: Math.max(...cpus),
    cpuUsPerCopy: cpu / Math.max(1, n - 1),
    ceiling: 1e6 / cpu,
  };
};
