import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import type { TokenScope } from '@parley/protocol';
import { createSqliteStore } from '@parley/store-sqlite';
import { createHmacTokens, createRelay, type Relay, type RelayOptions } from '@parley/relay';

export interface TestRelay {
  readonly url: string;
  readonly relay: Relay;
  readonly store: ReturnType<typeof createSqliteStore>;
  token(
    userId: string,
    options?: { displayName?: string; scope?: TokenScope; ttlSeconds?: number },
  ): Promise<string>;
  stop(): Promise<void>;
}

/** A real relay on a real SQLite file, listening on a random loopback port. */
export const startTestRelay = async (options: Partial<RelayOptions> = {}): Promise<TestRelay> => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-relay-'));
  const store = createSqliteStore({ path: join(dir, 'relay.db') });
  const tokens = createHmacTokens({ secret: 'test-secret-test-secret-test-secret' });
  const relay = createRelay({ store, verifyToken: tokens.verify, ...options });
  const server = serve({ fetch: relay.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  server.on('upgrade', relay.handleUpgrade);
  await new Promise<void>((resolve) =>
    server.listening ? resolve() : server.once('listening', () => resolve()),
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    relay,
    store,
    token: (userId, o = {}) => tokens.sign({ userId, ...o }),
    stop: async () => {
      await relay.close();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
