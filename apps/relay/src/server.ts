import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { anyOfVerifiers, createHmacTokens, createJwksVerifier, createRelay } from '@parley/relay';
import { createSqliteStore } from '@parley/store-sqlite';
import type { ServeConfig } from './args.ts';
import { tokenSecret } from './secret.ts';

/** A relay listening on a port. */
export interface RunningRelay {
  /** `http(s)://host:port` with the real port (also when asked for port 0). */
  readonly url: string;
  readonly port: number;
  /** Stops accepting, closes the relay (sessions, pending commits), the server, then the store. */
  close(): Promise<void>;
}

const hostForUrl = (host: string): string => (host.includes(':') ? `[${host}]` : host);

const listen = (server: Server): Promise<AddressInfo> =>
  new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    const ready = () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    };
    if (server.listening) ready();
    else server.once('listening', ready);
  });

/**
 * Opens the store, builds the relay and serves it with `@hono/node-server` (HTTPS when TLS files are
 * given), routing WebSocket upgrades to the relay.
 *
 * @example
 * const relay = await startRelayServer({ port: 0, host: '127.0.0.1', db: '/tmp/parley.db' });
 * console.log(relay.url);
 * await relay.close();
 */
export const startRelayServer = async (config: ServeConfig): Promise<RunningRelay> => {
  const tls = config.tls
    ? { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) }
    : undefined;
  const store = createSqliteStore({ path: config.db });
  let relay: ReturnType<typeof createRelay> | undefined;
  try {
    const tokens = createHmacTokens({ secret: tokenSecret(store.settings, config.secret) });
    const jwks = config.jwks;
    const verifyToken = jwks
      ? anyOfVerifiers([
          tokens.verify,
          createJwksVerifier({
            jwksUrl: jwks.url,
            ...(jwks.issuer ? { issuer: jwks.issuer } : {}),
            ...(jwks.audience ? { audience: jwks.audience } : {}),
          }),
        ])
      : tokens.verify;
    relay = createRelay({
      store,
      verifyToken,
      issueToken: tokens.sign,
      ...(config.adminKey ? { adminKey: config.adminKey } : {}),
      ...(config.pageSize ? { pageSize: config.pageSize } : {}),
    });
    const server = serve({
      fetch: relay.app.fetch,
      port: config.port,
      hostname: config.host,
      ...(tls ? { createServer: createHttpsServer, serverOptions: tls } : {}),
    }) as Server;
    const started = relay;
    server.on('upgrade', (req, socket, head) => started.handleUpgrade(req, socket, head));
    const address = await listen(server).catch(async (error: unknown) => {
      server.close();
      throw error;
    });
    const url = `${tls ? 'https' : 'http'}://${hostForUrl(config.host)}:${address.port}`;
    let closing: Promise<void> | undefined;
    return {
      url,
      port: address.port,
      close: () => {
        closing ??= (async () => {
          const closed = new Promise<void>((resolve) => server.close(() => resolve()));
          await started.close();
          server.closeAllConnections();
          await closed;
          store.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await relay?.close().catch(() => {});
    store.close();
    throw error;
  }
};
