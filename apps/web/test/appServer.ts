import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { getRequestListener } from '@hono/node-server';
import { createHmacTokens, createRelay, type Relay } from '@parley/relay';
import { createMemoryStore } from '@parley/testing';

/** The web app's directory. */
export const appDir = fileURLToPath(new URL('..', import.meta.url));
export const distDir = join(appDir, 'dist');
export const artifactsDir = join(appDir, 'artifacts');

/** Builds the app with Vite into dist/ (once per test file). */
export const buildApp = async (): Promise<void> => {
  await promisify(execFile)(
    process.execPath,
    [join(appDir, '../../node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
    {
      cwd: appDir,
      // Vitest sets NODE_ENV=test, which Vite would take as a non-production build (no service worker).
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  if (!existsSync(join(distDir, 'sw.js'))) throw new Error('vite build made no dist/sw.js');
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.webmanifest': 'application/manifest+json',
};

const RELAY_PATHS = /^\/(v1|chat|admin|healthz|readyz)(\/|$)/;

/** The built app and a relay on one origin (127.0.0.1, a free port), as a deployment would serve them. */
export interface AppServer {
  readonly url: string;
  readonly relay: Relay;
  /** A dev token for a user (HS256, what `parley-relay token` makes). */
  token(userId: string, displayName: string): Promise<string>;
  readonly adminKey: string;
  /** While false, every static file answers 503: only the service worker's cache can serve the app. */
  staticFilesUp: boolean;
  /** How many static files were served (to show a reload came from the service worker). */
  staticHits: number;
  close(): Promise<void>;
}

export const startAppServer = async (): Promise<AppServer> => {
  const store = createMemoryStore();
  const tokens = createHmacTokens({ secret: 'web-e2e-secret-of-at-least-32-bytes!!' });
  const adminKey = 'web-e2e-admin-key';
  const relay = createRelay({ store, verifyToken: tokens.verify, issueToken: tokens.sign, adminKey });
  const relayListener = getRequestListener(relay.app.fetch);
  const state = { staticFilesUp: true, staticHits: 0 };

  const serveStatic = (req: IncomingMessage, res: ServerResponse) => {
    if (!state.staticFilesUp) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('static files are down (test)');
      return;
    }
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = normalize(join(distDir, path));
    if (!file.startsWith(distDir) || !existsSync(file) || path === '/') file = join(distDir, 'index.html');
    state.staticHits++;
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': path === '/sw.js' ? 'no-cache' : 'no-store',
    });
    res.end(readFileSync(file));
  };

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (RELAY_PATHS.test(path)) void relayListener(req, res);
    else serveStatic(req, res);
  });
  server.on('upgrade', relay.handleUpgrade);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    relay,
    adminKey,
    token: (userId, displayName) => tokens.sign({ userId, displayName }),
    get staticFilesUp() {
      return state.staticFilesUp;
    },
    set staticFilesUp(up: boolean) {
      state.staticFilesUp = up;
    },
    get staticHits() {
      return state.staticHits;
    },
    set staticHits(n: number) {
      state.staticHits = n;
    },
    async close() {
      await relay.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      store.close();
    },
  };
};
