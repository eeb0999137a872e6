/**
 * W6: presence. `members` members of one thread are connected; `typers` of them send a typing
 * update every `typingMs` and a read receipt every `receiptMs` (Parley: the `sendReadReceipt`
 * intent plus the awareness `read` field, as the SDK does; the alternatives: awareness only, the
 * raw relay: a JSON message) for `durationMs`. Figures: awareness frames (all frames) per second
 * per receiving client — median and max — and the relay's CPU as % of one core.
 */
import type { ServerKind } from '../clients/conn.ts';
import type { ConnStats } from '../clients/conn.ts';
import { median } from '../lib/table.ts';
import { spawnClients, startServer } from '../lib/servers.ts';

export interface W6Options {
  readonly members: number;
  readonly typers: number;
  readonly typingMs: number;
  readonly receiptMs: number;
  readonly durationMs: number;
}

export interface W6Result {
  readonly kind: ServerKind;
  readonly awarenessPerSecMedian: number;
  readonly awarenessPerSecMax: number;
  readonly framesPerSecMax: number;
  /** WebSocket messages per second per receiving client (max): the server's socket writes. */
  readonly messagesPerSecMax: number;
  readonly cpuPctOfCore: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const runW6 = async (kind: ServerKind, o: W6Options): Promise<W6Result> => {
  const server = await startServer(kind, { profileLabel: 'w6-parley' });
  const typers = spawnClients();
  const readers = spawnClients();
  try {
    const threadId = `bench_w6_${kind}`;
    const members = Array.from({ length: o.members }, (_, i) => `m${i}`);
    if (kind === 'parley') {
      await server.proc.call('setupThreads', { threads: [{ id: threadId, members }] });
      await server.proc.call('seed', { threadId, sender: 'm0', count: 1 });
    }
    const base = { kind, url: server.url, threadId };
    await typers.call('open', { ...base, members: members.slice(0, o.typers), sender: true });
    await readers.call('open', { ...base, members: members.slice(o.typers), sender: false });
    await sleep(1000);
    await server.profile();
    const before = await readers.call<ConnStats[]>('connStats');
    const s0 = await server.stats();
    const t0 = performance.now();
    await typers.call('presence', {
      durationMs: o.durationMs,
      typingMs: o.typingMs,
      receiptMs: o.receiptMs,
      messageId: 'seed_s_0',
    });
    await sleep(300);
    const s1 = await server.stats();
    const seconds = (performance.now() - t0) / 1000;
    const after = await readers.call<ConnStats[]>('connStats');
    const aw = after.map((a, i) => (a.awarenessFrames - (before[i]?.awarenessFrames ?? 0)) / seconds);
    const fr = after.map((a, i) => (a.frames - (before[i]?.frames ?? 0)) / seconds);
    const ms = after.map((a, i) => (a.messages - (before[i]?.messages ?? 0)) / seconds);
    return {
      kind,
      awarenessPerSecMedian: median(aw),
      awarenessPerSecMax: Math.max(...aw),
      framesPerSecMax: Math.max(...fr),
      messagesPerSecMax: Math.max(...ms),
      cpuPctOfCore: (100 * (s1.cpuUs - s0.cpuUs)) / (seconds * 1e6),
    };
  } finally {
    await Promise.all([
      typers.call('close').catch(() => undefined),
      readers.call('close').catch(() => undefined),
    ]);
    await Promise.all([typers.stop(), readers.stop()]);
    await server.stop();
  }
};
