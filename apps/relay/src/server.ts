import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import {
  anyOfVerifiers,
  createHmacTokens,
  createJsonLogger,
  createJwksVerifier,
  createRelay,
} from '@parley/relay';
import { createSqliteStore } from '@parley/store-sqlite';
import type { ServeConfig } from './args.ts';
import { readConfigFile } from './configFile.ts';
import { tokenSecret } from './secret.ts';

/** A relay listening on a port. */
export interface RunningRelay {
  /** `http(s)://host:port` with the real port (also when asked for port 0). */
  readonly url: string;
  readonly port: number;
  /** `http://host:port/metrics` when `metricsPort` was given. */
  readonly metricsUrl?: string;
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
  const file = config.configFile ? readConfigFile(config.configFile) : {};
  const metricsToken = config.metricsToken ?? file.metricsToken;
  const logger = createJsonLogger(config.logLevel ?? 'info');
  // Checkpoints from a thread of their own: no commit (and so no session) waits for the copy of
  // the WAL into the file and its fsync.
  const store = createSqliteStore({
    path: config.db,
    checkpoint: 'background',
    onCheckpointError: (error) =>
      logger.info(
        { event: 'checkpointThreadFailed', error: String(error) },
        'the checkpoint thread failed; the writer checkpoints by itself past 10,000 WAL pages',
      ),
  });
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
      logger,
      ...(metricsToken ? { metricsToken } : {}),
      ...(file.webhooks ? { webhooks: file.webhooks } : {}),
      ...(file.webhookDelivery ? { webhookDelivery: file.webhookDelivery } : {}),
      ...(file.webhookSource ? { webhookSource: file.webhookSource } : {}),
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
    // /metrics on a separate port (bind it where only Prometheus reaches), without a token.
    const metricsServer =
      config.metricsPort === undefined
        ? undefined
        : createHttpServer((req, res) => {
            if (req.method !== 'GET' || new URL(req.url ?? '/', 'http://m').pathname !== '/metrics') {
              res.writeHead(404).end();
              return;
            }
            started.metrics.render().then(
              ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
              () => res.writeHead(500).end(),
            );
          }).listen(config.metricsPort, config.host);
    const metricsAddress = metricsServer ? await listen(metricsServer) : undefined;
    let closing: Promise<void> | undefined;
    return {
      url,
      port: address.port,
      ...(metricsAddress
        ? { metricsUrl: `http://${hostForUrl(config.host)}:${metricsAddress.port}/metrics` }
        : {}),
      close: () => {
        closing ??= (async () => {
          metricsServer?.close();
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
