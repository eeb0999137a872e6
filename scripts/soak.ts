/**
 * Soak test (not a CI test): many SDK clients in many threads for a long time, with joins, leaves and
 * reconnects, while the relay process reports its memory and event-loop delay. Memory must flatten:
 * no growth per connection, subscription or unloaded doc.
 *
 *   npx tsx scripts/soak.ts                        # 200 clients, 50 threads, 10 minutes
 *   npx tsx scripts/soak.ts --clients 40 --threads 10 --minutes 2 --sample-seconds 10
 *
 * The relay runs in its own process (`createRelay` on a SQLite file, the same library the binary
 * serves) so that its figures are not mixed with the clients'. It is started with --expose-gc and
 * collects garbage before each sample, so the figures are live memory, not garbage not yet collected.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const SECRET = 'soak-secret-soak-secret-soak-secret-0123';

interface Sample {
  readonly t: number;
  readonly rssMb: number;
  readonly heapMb: number;
  readonly loopP50Ms: number;
  readonly loopP99Ms: number;
  readonly loopMaxMs: number;
  readonly sessions: number;
  readonly loadedDocs: number;
}

// ── relay process ──────────────────────────────────────────────────────────────────────────────
const runRelay = async (sampleMs: number) => {
  const { serve } = await import('@hono/node-server');
  const { createHmacTokens, createRelay } = await import('@parley/relay');
  const { createSqliteStore } = await import('@parley/store-sqlite');
  const dir = mkdtempSync(join(tmpdir(), 'parley-soak-'));
  const store = createSqliteStore({ path: join(dir, 'relay.db') });
  const tokens = createHmacTokens({ secret: SECRET });
  const relay = createRelay({
    store,
    verifyToken: tokens.verify,
    unloadAfterMs: 10_000,
    onInternalError: (e) => console.error('internal', e),
  });
  const server = serve({ fetch: relay.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  server.on('upgrade', relay.handleUpgrade);
  await new Promise<void>((r) => (server.listening ? r() : server.once('listening', () => r())));
  const started = Date.now();
  // The histogram includes the sampling timer's own period; subtract it so an idle loop reads ~0.
  const RESOLUTION_MS = 5;
  const loop = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  const lag = (ns: number) => +Math.max(0, ns / 1e6 - RESOLUTION_MS).toFixed(1);
  loop.enable();
  process.stdout.write(
    `${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })}\n`,
  );
  setInterval(() => {
    (globalThis as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    const s = relay.stats();
    const sample: Sample = {
      t: Math.round((Date.now() - started) / 1000),
      rssMb: +(m.rss / 2 ** 20).toFixed(1),
      heapMb: +(m.heapUsed / 2 ** 20).toFixed(1),
      loopP50Ms: lag(loop.percentile(50)),
      loopP99Ms: lag(loop.percentile(99)),
      loopMaxMs: lag(loop.max),
      sessions: s.sessions,
      loadedDocs: s.loadedDocs,
    };
    loop.reset();
    process.stdout.write(`${JSON.stringify({ sample })}\n`);
  }, sampleMs);
  process.on('SIGTERM', async () => {
    await relay.close();
    server.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
};

// ── driver ─────────────────────────────────────────────────────────────────────────────────────
const drive = async (o: { clients: number; threads: number; minutes: number; sampleSeconds: number }) => {
  const { createChatClient, createMemoryStorage } = await import('@parley/client');
  const { createHmacTokens } = await import('@parley/relay');
  const { default: WebSocket } = await import('ws');
  const tokens = createHmacTokens({ secret: SECRET });

  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--expose-gc',
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      '--relay',
      '--sample-seconds',
      String(o.sampleSeconds),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const samples: Sample[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        try {
          const msg = JSON.parse(line) as { url?: string; sample?: Sample };
          if (msg.url) resolve(msg.url);
          if (msg.sample) samples.push(msg.sample);
        } catch {
          process.stdout.write(`relay: ${line}\n`);
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`relay exited ${code}`)));
  });

  const users = Array.from({ length: o.clients }, (_, i) => `soak-u${i}`);
  const token = (u: string) => tokens.sign({ userId: u, displayName: u, ttlSeconds: 7200 });
  const http = async (u: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}?api-version=2025-03-15`, {
      method,
      headers: { authorization: `Bearer ${await token(u)}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const ident = (id: string) => ({ communicationIdentifier: { rawId: id, communicationUser: { id } } });

  // Threads: each user is in one thread as a base member, so 200 users / 50 threads = 4 each.
  const perThread = Math.max(2, Math.ceil(o.clients / o.threads));
  const threads: { id: string; members: string[] }[] = [];
  for (let k = 0; k < o.threads; k++) {
    const members = users.slice(k * perThread, (k + 1) * perThread);
    if (members.length === 0) break;
    const [creator, ...rest] = members;
    const r = await http(creator!, 'POST', '/chat/threads', {
      topic: `soak ${k}`,
      participants: rest.map(ident),
    });
    threads.push({ id: (r.json.chatThread as { id: string }).id, members });
  }
  const threadOf = new Map(threads.flatMap((t) => t.members.map((m) => [m, t] as const)));

  const clients = users.map((u) =>
    createChatClient({
      url,
      token: () => token(u),
      storage: createMemoryStorage(),
      WebSocket: WebSocket as never,
      minBackoffMs: 200,
      maxBackoffMs: 3000,
    }),
  );
  await Promise.all(clients.map((c) => c.startRealtimeNotifications().catch(() => undefined)));

  const counts = {
    sends: 0,
    receipts: 0,
    typing: 0,
    reconnects: 0,
    leaves: 0,
    joins: 0,
    reads: 0,
    errors: 0,
  };
  const until = Date.now() + o.minutes * 60_000;
  const rand = (n: number) => Math.floor(Math.random() * n);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  const lifeOf = async (i: number) => {
    const u = users[i]!;
    const c = clients[i]!;
    const t = threadOf.get(u)!;
    await sleep(rand(4000));
    while (Date.now() < until) {
      const tc = c.getChatThreadClient(t.id);
      const dice = rand(100);
      try {
        if (dice < 62) {
          await tc.sendMessage({ content: `soak ${u} ${counts.sends} 🙂` });
          counts.sends++;
        } else if (dice < 72) {
          for await (const m of tc.listMessages({ maxPageSize: 1 })) {
            if (m.sequenceId) await tc.sendReadReceipt({ chatMessageId: m.id });
            break;
          }
          counts.receipts++;
        } else if (dice < 78) {
          void tc.sendTypingNotification().catch(() => undefined);
          counts.typing++;
        } else if (dice < 86) {
          c.disconnect();
          await sleep(1000 + rand(4000));
          c.connect();
          counts.reconnects++;
        } else if (dice < 92) {
          // Leave, then another member adds us back (a join), as a live app would.
          await tc.removeParticipant({ communicationUserId: u });
          counts.leaves++;
          await sleep(2000 + rand(5000));
          const other = t.members.find((m) => m !== u)!;
          await http(other, 'POST', `/chat/threads/${t.id}/participants/:add`, { participants: [ident(u)] });
          counts.joins++;
        } else {
          let n = 0;
          for await (const _ of tc.listMessages({ maxPageSize: 50 })) if (++n >= 50) break;
          counts.reads++;
        }
      } catch {
        counts.errors++;
      }
      await sleep(2000 + rand(4000));
    }
  };

  const started = Date.now();
  let printed = 0;
  const reporter = setInterval(() => {
    const minute = Math.floor((Date.now() - started) / 60_000);
    if (minute <= printed) return;
    printed = minute;
    const s = samples[samples.length - 1];
    if (s)
      console.log(
        `minute ${minute}: relay RSS ${s.rssMb} MB, heap ${s.heapMb} MB, event-loop delay p50 ${s.loopP50Ms} ms p99 ${s.loopP99Ms} ms max ${s.loopMaxMs} ms, sessions ${s.sessions}, loaded docs ${s.loadedDocs}; ${JSON.stringify(counts)}`,
      );
  }, 1000);
  console.log(`soak: ${o.clients} clients in ${threads.length} threads for ${o.minutes} min against ${url}`);
  await Promise.all(users.map((_, i) => lifeOf(i)));
  clearInterval(reporter);
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  // Let the relay settle with no clients: sessions gone, idle docs unloaded (spread over ticks).
  const settleUntil = Date.now() + 120_000;
  await sleep(2 * o.sampleSeconds * 1000);
  while (Date.now() < settleUntil) {
    const s = samples[samples.length - 1];
    if (s && s.sessions === 0 && s.loadedDocs === 0) break;
    await sleep(1000);
  }
  const idle = samples[samples.length - 1];
  child.kill('SIGTERM');

  const atMinute = (m: number) => samples.find((s) => s.t >= m * 60) ?? samples[samples.length - 1];
  const first = atMinute(1);
  const last = samples.filter((s) => s.t <= o.minutes * 60).pop();
  console.log('\nsamples (t s, RSS MB, heap MB, loop p99 ms, loop max ms, sessions, loaded docs):');
  for (const s of samples)
    console.log(
      `  ${s.t}\t${s.rssMb}\t${s.heapMb}\t${s.loopP99Ms}\t${s.loopMaxMs}\t${s.sessions}\t${s.loadedDocs}`,
    );
  console.log(`\nminute 1: ${JSON.stringify(first)}`);
  console.log(`minute ${o.minutes}: ${JSON.stringify(last)}`);
  console.log(`after all clients closed: ${JSON.stringify(idle)}`);
  console.log(`operations: ${JSON.stringify(counts)}`);
};

const { values } = parseArgs({
  options: {
    relay: { type: 'boolean', default: false },
    clients: { type: 'string', default: '200' },
    threads: { type: 'string', default: '50' },
    minutes: { type: 'string', default: '10' },
    'sample-seconds': { type: 'string', default: '10' },
  },
});
if (values.relay) await runRelay(Number(values['sample-seconds']) * 1000);
else
  await drive({
    clients: Number(values.clients),
    threads: Number(values.threads),
    minutes: Number(values.minutes),
    sampleSeconds: Number(values['sample-seconds']),
  }).then(() => process.exit(0));
