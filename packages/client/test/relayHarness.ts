import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { RelayStore } from '@parley/model';
import { createHmacTokens, createRelay, type Relay } from '@parley/relay';
import { createMemoryStore } from '@parley/testing';
import WebSocket from 'ws';
import {
  type ChatClient,
  type ClientStorage,
  createChatClient,
  type WebSocketConstructor,
} from '../src/index.ts';

/** A real relay on 127.0.0.1:0 plus helpers to make clients for it (end-to-end tests). */
export interface RelayHarness {
  readonly url: string;
  readonly relay: Relay;
  token(userId: string, displayName?: string, ttlSeconds?: number): Promise<string>;
  client(
    userId: string,
    storage: ClientStorage,
    extra?: {
      displayName?: string;
      autoConnect?: boolean;
      idlePageMs?: number;
      pruneSettledAfterMs?: number;
      pruneUnheldAfterMs?: number;
      WebSocket?: WebSocketConstructor;
    },
  ): ChatClient;
  close(): Promise<void>;
}

export const startRelay = async (
  store: RelayStore = createMemoryStore(),
  relayOptions: Pick<Parameters<typeof createRelay>[0], 'pageSize' | 'sessionLimits'> = {},
): Promise<RelayHarness> => {
  const tokens = createHmacTokens({ secret: 'a-test-secret-of-at-least-32-bytes!!' });
  const relay = createRelay({ store, verifyToken: tokens.verify, ...relayOptions });
  const server = serve({ fetch: relay.app.fetch, port: 0, hostname: '127.0.0.1' });
  server.on('upgrade', relay.handleUpgrade);
  await new Promise<void>((resolve) => {
    if (server.listening) resolve();
    else server.once('listening', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const token = (userId: string, displayName?: string, ttlSeconds?: number) =>
    tokens.sign({ userId, ...(displayName ? { displayName } : {}), ...(ttlSeconds ? { ttlSeconds } : {}) });
  return {
    url,
    relay,
    token,
    client: (userId, storage, extra = {}) =>
      createChatClient({
        url,
        token: () => token(userId, extra.displayName ?? userId),
        storage,
        WebSocket: extra.WebSocket ?? (WebSocket as unknown as WebSocketConstructor),
        ...(extra.displayName ? { displayName: extra.displayName } : {}),
        ...(extra.autoConnect === false ? { autoConnect: false } : {}),
        ...(extra.idlePageMs !== undefined ? { idlePageMs: extra.idlePageMs } : {}),
        ...(extra.pruneSettledAfterMs !== undefined
          ? { pruneSettledAfterMs: extra.pruneSettledAfterMs }
          : {}),
        ...(extra.pruneUnheldAfterMs !== undefined ? { pruneUnheldAfterMs: extra.pruneUnheldAfterMs } : {}),
        minBackoffMs: 20,
        maxBackoffMs: 200,
      }),
    async close() {
      await relay.close();
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      store.close();
    },
  };
};

/** Polls `check` until it returns a truthy value (or throws after `timeoutMs`). */
export const until = async <T>(
  check: () => T | Promise<T>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> => {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** Collects an async iterator into an array. */
export const collect = async <T>(it: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};
