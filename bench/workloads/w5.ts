/**
 * W5: Parley's accepted messages per second with every acceptance committed before it is
 * broadcast. Two members of one thread (both send) offer `rate` messages/s for `durationMs`; the
 * figure is messages delivered to the other member divided by the time from the first send until
 * the last copy arrived (so a backlog counts against it). The store's share of per-message CPU
 * comes from W1 (the store wrapper counts CPU inside SQLite calls and BEGIN/COMMIT).
 */
import { startServer, spawnClients } from '../lib/servers.ts';
import type { LoopDelay } from '../servers/common.ts';

export interface W5Result {
  readonly offered: number;
  readonly sent: number;
  readonly delivered: number;
  readonly acceptedPerSec: number;
  readonly cpuUsPerMsg: number;
  readonly storeUsPerMsg: number;
  /** How the senders' intents ended, as their user docs show it. */
  readonly results: Record<string, number>;
  /** Store wall time per message by method, largest first. */
  readonly byMethod: { name: string; usPerMsg: number; callsPerMsg: number }[];
  /** The relay's event-loop delay during the run (a checkpoint in a commit stalls it). */
  readonly loop: LoopDelay;
}

interface StoreTime {
  readonly storeMs: number;
  readonly byMethod: Record<string, { ms: number; calls: number }>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const runW5 = async (rate: number, durationMs: number): Promise<W5Result> => {
  const server = await startServer('parley', { profileLabel: 'w5-parley' });
  const clients = spawnClients();
  try {
    const threadId = 'bench_w5_parley';
    const members = ['w5sender0', 'w5sender1'];
    await server.proc.call('setupThreads', { threads: [{ id: threadId, members }] });
    await clients.call('open', { kind: 'parley', url: server.url, threadId, members, sender: true });
    await clients.call('send', { tag: 'warmup', rate: 200, durationMs: 1000 });
    await sleep(500);
    await clients.call('begin', { tag: 'w5run' });
    await server.profile();
    const s0 = await server.stats();
    const st0 = await server.proc.call<StoreTime>('storeTime');
    await server.proc.call('loopDelayStart');
    const t0 = performance.now();
    const { sent } = await clients.call<{ sent: number }>('send', { tag: 'w5run', rate, durationMs });
    let delivered = 0;
    let last = performance.now();
    const deadline = performance.now() + 30_000;
    while (performance.now() < deadline) {
      const t = await clients.call<{ delivered: number }>('tally');
      if (t.delivered > delivered) {
        delivered = t.delivered;
        last = performance.now();
      }
      if (delivered >= sent) break;
      if (performance.now() - last > 10_000) break;
      await sleep(20);
    }
    const results = await clients.call<Record<string, number>>('opResults');
    // Let the checkpoint thread copy this run's WAL pages inside the window.
    await server.proc.call('checkpointSettled', undefined, 10_000);
    const s1 = await server.stats();
    const st1 = await server.proc.call<StoreTime>('storeTime');
    const loop = await server.proc.call<LoopDelay>('loopDelay');
    const byMethod = Object.entries(st1.byMethod)
      .map(([name, m]) => {
        const b = st0.byMethod[name] ?? { ms: 0, calls: 0 };
        return { name, usPerMsg: (1000 * (m.ms - b.ms)) / sent, callsPerMsg: (m.calls - b.calls) / sent };
      })
      .filter((m) => m.callsPerMsg > 0)
      .sort((a, b) => b.usPerMsg - a.usPerMsg);
    return {
      offered: rate,
      sent,
      delivered,
      acceptedPerSec: (delivered * 1000) / (last - t0),
      cpuUsPerMsg: (s1.cpuUs - s0.cpuUs) / sent,
      storeUsPerMsg: (1000 * (st1.storeMs - st0.storeMs)) / sent,
      loop,
      results,
      byMethod,
    };
  } finally {
    await clients.call('close').catch(() => undefined);
    await clients.stop();
    await server.stop();
  }
};
