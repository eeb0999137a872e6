import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createChatClient, fromLocalDocStore, type WebSocketConstructor } from '@parley/client';
import { createHmacTokens } from '@parley/relay';
import { createSqliteLocalStore } from '@parley/store-sqlite';
import { type RelayMessage, runChatSimulation, type SimClient, type SimWorld } from '@parley/testing/sim';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type RelayProcess, startRelay, tempDir } from './relayProcess.ts';

/**
 * The seeded chaos simulation against the real `parley-relay` binary. Small in CI; for a long run:
 *   PARLEY_SIM_OPS=5000 PARLEY_SIM_KILLS=10 PARLEY_SIM_SEED=123 npx vitest run --project relay-app test/chaos.test.ts
 * A "client process restart" is modelled as closing the ChatClient and creating a new one on the same
 * SQLite file; an offline period as `disconnect()` (the socket closes, the client stops reconnecting).
 */
const SEED = Number(process.env.PARLEY_SIM_SEED ?? Date.now() % 1_000_000);
const OPS = Number(process.env.PARLEY_SIM_OPS ?? 150);
const KILLS = Number(process.env.PARLEY_SIM_KILLS ?? 2);
const USERS = (process.env.PARLEY_SIM_USERS ?? 'ann,ben,cat').split(',');
const DEVICES = Number(process.env.PARLEY_SIM_DEVICES ?? 2);
const SECRET = 'chaos-simulation-secret-0123456789abcdef';
console.log(
  `chaos simulation seed ${SEED} (rerun with PARLEY_SIM_SEED=${SEED}): ${USERS.length} users × ${DEVICES} devices, ${OPS} ops, ${KILLS} relay kills`,
);

const tmp = tempDir('parley-chaos-');
const db = join(tmp.dir, 'relay.db');
const tokens = createHmacTokens({ secret: SECRET });
let relay: RelayProcess | undefined;
let port = 0;
const children: RelayProcess[] = [];

afterAll(async () => {
  await Promise.all(children.map((r) => r.stop('SIGKILL')));
  tmp.cleanup();
});

const start = async () => {
  relay = await startRelay(['--port', String(port), '--host', '127.0.0.1', '--db', db], {
    PARLEY_SECRET: SECRET,
  });
  children.push(relay);
  port = relay.port;
};

const baseUrl = () => `http://127.0.0.1:${port}`;
const deviceFile = (userId: string, device: number) => join(tmp.dir, `${userId}-${device}.db`);

const world: SimWorld = {
  openDevice: (userId, device, { online }) =>
    createChatClient({
      url: baseUrl(),
      userId,
      token: () => tokens.sign({ userId, displayName: userId, ttlSeconds: 3600 }),
      storage: fromLocalDocStore(createSqliteLocalStore(deviceFile(userId, device))),
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      autoConnect: online,
      minBackoffMs: 20,
      maxBackoffMs: 250,
      typingIntervalMs: 0,
      // Settled intents leave the user doc as soon as they may, so the run covers pruning too
      // (those about messages this device holds; the others wait the default ten minutes).
      pruneSettledAfterMs: 0,
    }) as unknown as SimClient,
  readDeviceStore: (userId, device) =>
    ['', '-wal', '-journal']
      .map((suffix) => `${deviceFile(userId, device)}${suffix}`)
      .filter((f) => existsSync(f))
      .map((f) => readFileSync(f)),
  killRelay: async () => {
    const r = relay;
    relay = undefined;
    await r?.stop('SIGKILL');
  },
  startRelay: start,
  listMessages: async (userId, threadId) => {
    const token = await tokens.sign({ userId, ttlSeconds: 600 });
    const messages: RelayMessage[] = [];
    let link: string | undefined =
      `${baseUrl()}/chat/threads/${threadId}/messages?maxPageSize=200&api-version=2025-03-15`;
    while (link) {
      const res = await fetch(link, { headers: { authorization: `Bearer ${token}` } });
      const body = (await res.json()) as {
        value?: RelayMessage[];
        nextLink?: string;
        error?: { code: string };
      };
      if (res.status !== 200) return { status: res.status, code: body.error?.code ?? '', messages: [] };
      messages.push(...(body.value ?? []));
      link = body.nextLink;
    }
    return { status: 200, messages };
  },
};

describe('chaos simulation', () => {
  it('devices converge to the relay, intents end sent or failed, accepted messages survive SIGKILL, no history leaks', async () => {
    await start();
    const report = await runChatSimulation({
      seed: SEED,
      users: USERS,
      devicesPerUser: DEVICES,
      ops: OPS,
      relayKills: KILLS,
      world,
      settleTimeoutMs: Number(process.env.PARLEY_SIM_SETTLE_MS ?? 60_000),
      ...(process.env.PARLEY_SIM_TRACE ? { log: (l: string) => console.log(l) } : {}),
    });
    console.log(`chaos simulation report: ${JSON.stringify(report)}`);
    expect(report.relayKills).toBe(KILLS);
    expect(report.convergedViews).toBeGreaterThan(0);
    expect(report.sent).toBeGreaterThan(0);
  });
});
