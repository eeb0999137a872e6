/**
 * Does a webhook receiver that never answers slow message delivery? (Not a test; run
 * `npx tsx bench/webhooks.ts`.)
 *
 * One run, four relays on SQLite files in a temp dir, each on a loopback port with MEMBERS stock
 * y-websocket clients subscribed to the thread's page doc:
 *   1. no webhooks;
 *   2. a subscription whose delivery is switched off (concurrency 0): the outbox writes alone;
 *   3. a subscription to every event type whose receiver accepts the handshake and then holds every
 *      POST open forever (delivery times out after 2 s and retries);
 *   4. the same subscription on a receiver that answers 200 at once.
 * For each message: the time from `operations.apply(sendMessage)` until the LAST member's doc holds
 * it (fan-out latency), over MESSAGES sequential sends. The receivers run in a child process.
 * Every send writes MEMBERS outbox rows in scenarios 2-4 (ChatMessageReceived per recipient plus
 * ChatMessageReceivedInThread).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { serve } from '@hono/node-server';
import { messagesMap, pageDocName } from '@parley/model';
import { type Actor, createHmacTokens, createRelay } from '@parley/relay';
import { createSqliteStore } from '@parley/store-sqlite';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 20);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 200);
const WARMUP = 20;
const ADMIN = 'bench-admin-key';

type Mode = 'none' | 'outbox' | 'hang' | 'ok';

/** The receiver runs in its own process, so its work does not share the relay's event loop. */
const RECEIVER = `
import { createServer } from 'node:http';
const mode = process.argv[1];
const held = new Set();
let posts = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.method === 'OPTIONS') return res.writeHead(200, { 'webhook-allowed-origin': '*' }).end();
    posts++;
    if (mode === 'hang') held.add(res);
    else res.writeHead(200).end();
  });
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
process.stdin.on('data', () => console.log(JSON.stringify({ posts })));
process.stdin.on('end', () => process.exit(0));
`;

const startReceiver = async (mode: Mode) => {
  const child = spawn(process.execPath, ['--input-type=module', '-e', RECEIVER, mode], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const next = () =>
    new Promise<Record<string, number>>((resolve) => lines.once('line', (l) => resolve(JSON.parse(l))));
  const { port } = await next();
  return {
    url: `http://127.0.0.1:${port}/hook`,
    posts: async () => {
      child.stdin!.write('?\n');
      return (await next()).posts ?? 0;
    },
    close: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin!.end();
      await exited;
    },
  };
};

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

const run = async (mode: Mode) => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-webhooks-'));
  const store = createSqliteStore({ path: join(dir, 'relay.db') });
  const tokens = createHmacTokens({ secret: 'bench-secret-bench-secret-bench-secret' });
  const relay = createRelay({
    store,
    verifyToken: tokens.verify,
    adminKey: ADMIN,
    webhookDelivery: {
      timeoutMs: 2000,
      backoffBaseMs: 200,
      backoffMaxMs: 2000,
      pollMs: 100,
      // 'outbox': events are written but never claimed: the cost of the outbox alone.
      ...(mode === 'outbox' ? { concurrency: 0 } : {}),
    },
    onInternalError: (e) => console.error(e),
  });
  const server = serve({ fetch: relay.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  server.on('upgrade', relay.handleUpgrade);
  await new Promise<void>((r) => (server.listening ? r() : server.once('listening', () => r())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const receiver = mode === 'none' ? undefined : await startReceiver(mode === 'outbox' ? 'hang' : mode);
  if (receiver) {
    const res = await fetch(`${url}/admin/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiver.url, secret: 'bench-webhook-secret-0000' }),
    });
    if (res.status !== 201) throw new Error(`subscribe failed: ${res.status}`);
  }

  const users = Array.from({ length: MEMBERS }, (_, i) => `user-${String(i).padStart(3, '0')}`);
  const owner: Actor = { userId: users[0]!, displayName: 'Owner', scope: 'chat' };
  const threadId = `bench-thread-${mode}`;
  await relay.operations.apply(owner, {
    type: 'createThread',
    threadId,
    topic: 'bench',
    participants: users.slice(1).map((id) => ({ id })),
  });

  // Every member syncs page 0 with a stock y-websocket provider.
  const docs: Y.Doc[] = [];
  const providers: WebsocketProvider[] = [];
  for (const userId of users) {
    const doc = new Y.Doc();
    const token = await tokens.sign({ userId });
    const provider = new WebsocketProvider(
      `${url.replace('http', 'ws')}/v1/yjs`,
      pageDocName(threadId, 0),
      doc,
      {
        WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
        params: { token },
        disableBc: true,
      },
    );
    await new Promise<void>((resolve) => {
      if (provider.synced) resolve();
      else provider.once('sync', () => resolve());
    });
    docs.push(doc);
    providers.push(provider);
  }

  const latencies: number[] = [];
  for (let i = 0; i < MESSAGES + WARMUP; i++) {
    const messageId = `bench-${mode}-${String(i).padStart(6, '0')}`;
    const arrived = Promise.all(
      docs.map(
        (doc) =>
          new Promise<void>((resolve) => {
            const map = messagesMap(doc);
            if (map.has(messageId)) return resolve();
            const check = () => {
              if (!map.has(messageId)) return;
              map.unobserve(check);
              resolve();
            };
            map.observe(check);
          }),
      ),
    );
    const started = performance.now();
    const result = await relay.operations.apply(owner, {
      type: 'sendMessage',
      threadId,
      messageId,
      content: `message ${i}`,
      messageType: 'text',
    });
    if (result.status !== 'accepted') throw new Error(JSON.stringify(result));
    await arrived;
    if (i >= WARMUP) latencies.push(performance.now() - started);
  }

  const outbox = store.webhooks.outboxDepth();
  const posts = (await receiver?.posts()) ?? 0;
  for (const p of providers) p.destroy();
  await relay.close();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await receiver?.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  return { mode, latencies, outbox, posts };
};

const label: Record<Mode, string> = {
  none: 'no webhook',
  outbox: 'outbox only (no sends)',
  hang: 'receiver never answers',
  ok: 'receiver answers 200',
};

const results = [];
for (const mode of ['none', 'outbox', 'hang', 'ok'] as const) results.push(await run(mode));

console.log(
  `\nMessage fan-out latency, ${MEMBERS} members on stock y-websocket, ${MESSAGES} sequential sends`,
);
console.log('(apply → last member has the message; ms)\n');
console.log(
  `${'scenario'.padEnd(24)} ${'p50'.padStart(7)} ${'p95'.padStart(7)} ${'p99'.padStart(7)} ${'max'.padStart(7)} ${'mean'.padStart(7)}  outbox left  POSTs seen`,
);
for (const r of results) {
  const mean = r.latencies.reduce((a, b) => a + b, 0) / r.latencies.length;
  const f = (n: number) => n.toFixed(2).padStart(7);
  console.log(
    `${label[r.mode].padEnd(24)} ${f(percentile(r.latencies, 50))} ${f(percentile(r.latencies, 95))} ${f(percentile(r.latencies, 99))} ${f(r.latencies.at(-1)!)} ${f(mean)}  ${String(r.outbox).padStart(11)}  ${String(r.posts).padStart(10)}`,
  );
}
