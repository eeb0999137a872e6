import { parseDocName, ROOT } from '@parley/model';
import * as Y from 'yjs';
import { CliError } from './errors.ts';
import { typePath } from '@parley/inspect';

/** What `parley watch` needs. */
export interface WatchOptions {
  readonly url: string;
  readonly docName: string;
  readonly token: string;
  /** Stop after this many changes (after the initial sync). */
  readonly count?: number;
  readonly json: boolean;
  readonly out: (line: string) => void;
  /** Resolves when the caller wants to stop (Ctrl-C). */
  readonly stop: Promise<void>;
}

/** One change of one key, as printed. */
export interface WatchedChange {
  readonly at: string;
  readonly path: string;
  readonly key: string;
  readonly action: 'set' | 'delete';
  readonly value?: unknown;
}

const wsBase = (url: string): string => `${url.replace(/^http/, 'ws').replace(/\/+$/, '')}/v1/yjs`;

/** Opens the endpoint once to turn a refused upgrade into the relay's error code and message. */
const probe = async (url: string, token: string): Promise<void> => {
  const { default: WebSocket } = await import('ws');
  await new Promise<void>((resolve, reject) => {
    const ws = new WebSocket(url + `?token=${encodeURIComponent(token)}`);
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => {
        body += d.toString('utf8');
      });
      res.on('end', () => {
        let why = `HTTP ${res.statusCode}`;
        try {
          const e = (JSON.parse(body) as { error?: { code?: string; message?: string } }).error;
          if (e) why = `${e.message} (${e.code})`;
        } catch {
          // not JSON: keep the status
        }
        reject(new CliError(`the relay refused to open the doc: ${why}`));
      });
    });
    ws.on('open', () => {
      ws.close();
      resolve();
    });
    ws.on('error', (error) => reject(new CliError(`cannot reach the relay: ${error.message}`)));
  });
};

/**
 * Syncs one doc from a relay through its y-websocket endpoint (read-only, like a stock client) and
 * prints every change as it happens. Resolves with the exit status.
 *
 * @example
 * await watchDoc({ url: 'http://127.0.0.1:8787', docName: 'thread:abc', token, json: false, out: console.log, stop });
 */
export const watchDoc = async (options: WatchOptions): Promise<number> => {
  if (!parseDocName(options.docName))
    throw new CliError(`not a Parley doc name: ${JSON.stringify(options.docName)}`);
  const base = wsBase(options.url);
  await probe(`${base}/${encodeURIComponent(options.docName)}`, options.token);
  const [{ WebsocketProvider }, { default: WebSocket }] = await Promise.all([
    import('y-websocket'),
    import('ws'),
  ]);
  const doc = new Y.Doc();
  for (const root of Object.values(ROOT)) doc.getMap(root);
  const print = (value: unknown) => options.out(typeof value === 'string' ? value : JSON.stringify(value));
  let synced = false;
  let seen = 0;
  let finish: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => {
    finish = resolve;
  });

  doc.on('afterTransaction', (tr: Y.Transaction) => {
    if (!synced || tr.changed.size === 0) return;
    const at = new Date().toISOString();
    for (const [type, keys] of tr.changed) {
      const path = typePath(type as Y.AbstractType<unknown>);
      for (const key of keys) {
        const value = key === null ? undefined : (type as unknown as Y.Map<unknown>).get(key);
        const shown = value instanceof Y.AbstractType ? value.toJSON() : value;
        const change: WatchedChange = {
          at,
          path,
          key: key ?? '[]',
          action: value === undefined ? 'delete' : 'set',
          ...(value === undefined ? {} : { value: shown }),
        };
        print(
          options.json
            ? change
            : `${at}  ${path}.${change.key} ${change.action === 'delete' ? 'deleted' : `= ${JSON.stringify(shown)}`}`,
        );
      }
    }
    seen++;
    if (options.count !== undefined && seen >= options.count) finish(0);
  });

  const provider = new WebsocketProvider(base, options.docName, doc, {
    WebSocketPolyfill: WebSocket as never,
    params: { token: options.token },
    disableBc: true,
  });
  provider.on('sync', (isSynced: boolean) => {
    if (!isSynced || synced) return;
    synced = true;
    const sv = Y.decodeStateVector(Y.encodeStateVector(doc));
    const summary = {
      event: 'synced',
      doc: options.docName,
      bytes: Y.encodeStateAsUpdate(doc).byteLength,
      clients: sv.size,
    };
    print(
      options.json
        ? summary
        : `synced ${options.docName}: ${summary.bytes} bytes from ${summary.clients} clients; watching (Ctrl-C to stop)`,
    );
    if (options.count === 0) finish(0);
  });
  provider.on('connection-close', (event: { code?: number; reason?: string } | null) => {
    const code = event?.code ?? 0;
    if (code >= 4000) {
      print(
        options.json
          ? { event: 'closed', code, reason: event?.reason ?? '' }
          : `closed by the relay: ${code} ${event?.reason ?? ''}`,
      );
      finish(1);
    }
  });
  options.stop.then(() => finish(0));
  const code = await done;
  provider.destroy();
  doc.destroy();
  return code;
};
