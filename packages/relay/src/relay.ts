import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  headDocName,
  type OpResult,
  parseDocName,
  receiptsMap,
  timeOrderedId,
  validateOp,
} from '@parley/model';
import { httpStatusOf, isParleyError, ParleyError } from '@parley/protocol';
import { Hono } from 'hono';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { AccessControl } from './access.ts';
import type { Actor, RelayOperations, RelayOptions } from './api.ts';
import { encodeAwarenessUpdate } from './awarenessCodec.ts';
import { AwarenessRelay } from './awarenessRelay.ts';
import { Committer } from './committer.ts';
import { DocHost } from './docHost.ts';
import { createAcsRoutes } from './http/acsRoutes.ts';
import { createAdminRoutes } from './http/adminRoutes.ts';
import { errorResponse } from './http/httpErrors.ts';
import { createInspectRoutes } from './http/inspectRoutes.ts';
import { SessionHub } from './hub.ts';
import { createOperationLog } from './logging/operationLog.ts';
import { MeasuredOpProcessor } from './metrics/measuredOpProcessor.ts';
import { createMetricsRoutes } from './metrics/metricsRoutes.ts';
import { createRelayMetrics, type RelayMetrics } from './metrics/relayMetrics.ts';
import { defaultPolicy } from './policy.ts';
import { KeyedThrottle } from './rateLimit.ts';
import { Reads } from './reads.ts';
import { type SessionTransport, SyncSession } from './session.ts';
import { defaultSessionLimits } from './sessionLimits.ts';
import { combineSignals, type RelaySignals } from './signals.ts';
import { ThreadActivity } from './threadActivity.ts';
import { UserOps } from './userOps.ts';
import { createWebhooks } from './webhooks/webhooks.ts';
import { YwsSession } from './ywsSession.ts';

/** A running relay: HTTP routes, the WebSocket upgrade handler, and the operations behind both. */
export interface Relay {
  /** Hono app: ACS REST routes, /admin/*, /healthz, /readyz. */
  readonly app: Hono;
  readonly operations: RelayOperations;
  /** Node `upgrade` handler for `/v1/sync` and `/v1/yjs/<docName>`. */
  readonly handleUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  /**
   * Adds an observer of changes. By default it runs after the commit (metrics, logs); with
   * `transactional: true` it runs inside the change's transaction, so what it writes to the store
   * (a webhook outbox) commits or rolls back with the change.
   */
  addSignals(signals: RelaySignals, options?: { transactional?: boolean }): void;
  /** Live figures for metrics and tests. */
  /** `loadedDocs`: Y.Docs in memory; `sleepingDocs`: subscribed docs whose Y.Doc idled out. */
  stats(): { sessions: number; loadedDocs: number; sleepingDocs: number; loadedBytes: number };
  /** Prometheus metrics (`render()` for a separate metrics port; `registry` for more metrics). */
  readonly metrics: Pick<RelayMetrics, 'registry' | 'render'>;
  /** Runs queued work, closes sessions, compacts and unloads docs. The store stays open. */
  close(): Promise<void>;
}

const toBytes = (data: unknown): Uint8Array | undefined => {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]);
  return undefined;
};

/**
 * A session's socket. A class, and the socket's listeners below are made once per relay: a
 * relay holding many idle sessions pays for each only its objects, not closures and contexts
 * (which kept the upgrade request alive too).
 */
class WsTransport implements SessionTransport {
  readonly #ws: WebSocket;

  constructor(ws: WebSocket) {
    this.#ws = ws;
  }

  send(bytes: Uint8Array): void {
    this.#ws.send(bytes, { binary: true });
  }

  close(code: number, reason: string): void {
    this.#ws.close(code, reason);
  }

  get bufferedAmount(): number {
    return this.#ws.bufferedAmount;
  }
}

/** Which session a socket serves, for the listeners shared by all sockets. */
const sessionOfSocket = new WeakMap<WebSocket, SyncSession | YwsSession>();

/** How long a doc stays in memory with nothing reading or changing it (`unloadAfterMs`). */
export const DEFAULT_UNLOAD_AFTER_MS = 30_000;

/**
 * Creates a relay on a store. No ports, no environment: the binary (`apps/relay`) listens.
 *
 * @example
 * const relay = createRelay({ store: createSqliteStore({ path: 'parley.db' }), verifyToken: tokens.verify });
 * const server = serve({ fetch: relay.app.fetch, port: 8787 });
 * server.on('upgrade', relay.handleUpgrade);
 */
export const createRelay = (options: RelayOptions): Relay => {
  const { store, verifyToken } = options;
  const now = options.now ?? Date.now;
  const pageSize = options.pageSize ?? 1000;
  const unloadAfterMs = options.unloadAfterMs ?? DEFAULT_UNLOAD_AFTER_MS;
  const onInternalError = (error: unknown) => {
    if (options.onInternalError) options.onInternalError(error);
    else console.error('parley-relay internal error:', error);
  };

  const awarenessWritesPerSecond = options.awarenessWritesPerSecond ?? 600;
  const host = new DocHost({
    store,
    now,
    compactAfterUpdates: options.compactAfterUpdates ?? 500,
    pace: {
      ms: options.receiptPaceMs ?? 250,
      minSubscribers: options.receiptPaceMinSubscribers ?? 32,
      // The awareness window's budget: a head's receipts and its presence batch keep one cadence,
      // and whichever is due first takes the other along (one socket write per member).
      writesPerSecond: awarenessWritesPerSecond,
      onHeldDelivery: (hosted) => {
        if (hosted.ref.kind === 'head') awareness.flushNow(hosted.ref.threadId);
      },
    },
    // Under load, a page of a big thread gets its messages at most every 1000 × members / 10,000
    // ms (25 ms at 250 members) instead of once per 10 ms commit window: in bench W1 at 250
    // members and 1,600 msgs/s, one socket write per member per batch (25,000 a second) was most
    // of the relay's CPU and its ladder stopped there (p99 over 1 s). A quiet relay delivers at once.
    loadPace: { minSubscribers: 100, writesPerSecond: 10_000, kinds: ['page'] },
  });
  /** Docs in memory (awake) and their stored size (snapshot plus log), for metrics and `stats()`. */
  const loadedDocs = () => {
    let bytes = 0;
    let count = 0;
    for (const hosted of host.loaded.values()) {
      if (!hosted.awake) continue;
      bytes += hosted.storedBytes;
      count++;
    }
    return { count, bytes, sleeping: host.loaded.size - count };
  };
  const metrics = createRelayMetrics({
    docs: loadedDocs,
    outboxDepth: () => store.webhooks.outboxDepth(),
  });
  const opLog = createOperationLog({ metrics, ...(options.logger ? { logger: options.logger } : {}) });
  const committer = new Committer(
    store,
    host,
    { onInternalError, onCommit: metrics.commit },
    { windowMs: options.commitWindowMs ?? 10 },
  );
  const sinks: RelaySignals[] = [];
  const txSinks: RelaySignals[] = [];
  const signals = combineSignals(sinks, onInternalError);
  // Transactional observers may throw: that aborts the change (the outbox must hold what happened).
  const transactionalSignals = combineSignals(txSinks, (error) => {
    throw error;
  });
  const activity = new ThreadActivity({
    store,
    host,
    committer,
    windowMs: options.activityWindowMs ?? 250,
    onError: onInternalError,
  });
  const processor = new MeasuredOpProcessor(
    {
      activity,
      store,
      host,
      committer,
      policy: options.policy ?? defaultPolicy,
      signals,
      transactionalSignals,
      pageSize,
      now,
    },
    opLog.observeOp,
  );
  const userOps = new UserOps({ store, host, committer, processor, now, onResult: opLog.intentResult });
  const webhooks = createWebhooks({
    store,
    now,
    onInternalError,
    onAttempt: metrics.delivery,
    ...(options.adminKey ? { adminKey: options.adminKey } : {}),
    ...(options.webhooks ? { subscriptions: options.webhooks } : {}),
    ...(options.webhookDelivery ? { delivery: options.webhookDelivery } : {}),
    ...(options.webhookSource ? { source: options.webhookSource } : {}),
  });
  txSinks.push(webhooks.transactionalSignals);
  sinks.push(webhooks.signals, metrics.signals);
  const access = new AccessControl(store, host);
  const reads = new Reads(store, host, access);

  const apply = async (
    actor: Actor,
    op: unknown,
    opts: { opId?: string; idempotencyKey?: string } = {},
  ): Promise<OpResult> => {
    const valid = validateOp(op);
    const opId = opts.opId ?? opts.idempotencyKey ?? timeOrderedId();
    return committer.run(() => {
      const earlier = store.ops.get(actor.userId, opId);
      if (earlier) return earlier.result;
      let result: OpResult;
      try {
        result = store.transaction(() => processor.run(actor, valid, opts.idempotencyKey));
      } catch (error) {
        if (!isParleyError(error)) throw error;
        result = {
          status: 'rejected',
          at: new Date(now()).toISOString(),
          code: error.code,
          reason: error.message,
        };
      }
      store.ops.put({ userId: actor.userId, opId, device: 'http', n: 0, result });
      return result;
    });
  };

  // Read receipts seen on awareness are recorded durably, at most one per member and thread a second.
  const receiptThrottle = new KeyedThrottle(1000);
  const awareness = new AwarenessRelay({
    windowMs: options.awarenessWindowMs ?? 250,
    maxWritesPerSecond: awarenessWritesPerSecond,
    expireMs: 30_000,
    perSessionPerSecond: 20,
    memberCutoff: options.presenceMemberCutoff ?? Number.POSITIVE_INFINITY,
    memberCount: (threadId) => store.members.countActive(threadId),
    onRead: (actor, threadId, messageId) => {
      // Already recorded (the SDK sends the receipt intent too): nothing to commit.
      const head = host.peek(headDocName(threadId));
      if (head && receiptsMap(head.doc).get(actor.userId)?.messageId === messageId) return;
      if (!receiptThrottle.pass(`${threadId}\n${actor.userId}`, now())) return;
      apply(actor, { type: 'sendReadReceipt', threadId, messageId }).catch(() => undefined);
    },
    onFlush: (threadId) => {
      const head = host.peek(headDocName(threadId));
      if (head) host.flushHeld(head);
    },
    metrics: metrics.session,
    now,
  });
  const hub = new SessionHub({
    verifyToken,
    access,
    host,
    committer,
    userOps,
    awareness,
    metrics: metrics.session,
    onInternalError,
  });
  sinks.push(hub.signals);

  const operations: RelayOperations = {
    apply: (actor, op, opts) => apply(actor, op, opts),
    getThread: (actor, threadId) => reads.getThread(actor, threadId),
    listThreads: (actor, opts) => reads.listThreads(actor, opts),
    listMessages: (actor, threadId, opts) => reads.listMessages(actor, threadId, opts),
    getMessage: (actor, threadId, messageId) => reads.getMessage(actor, threadId, messageId),
    listParticipants: (actor, threadId, opts) => reads.listParticipants(actor, threadId, opts),
    listReadReceipts: (actor, threadId, opts) => reads.listReadReceipts(actor, threadId, opts),
    sendTyping: (actor, threadId, senderDisplayName) => {
      access.member(actor, threadId);
      const peer = {
        id: `http-${actor.userId}`,
        claims: actor,
        sendAwareness: () => undefined,
        sendCode: () => undefined,
      };
      // A per-user awareness client id for HTTP typing (high range, away from Yjs' 32-bit ids).
      const clientId = 2 ** 40 + (hashString(actor.userId) % 2 ** 20);
      const state = {
        typing: { at: now(), ...(senderDisplayName ? { displayName: senderDisplayName } : {}) },
      };
      const payload = encodeAwarenessUpdate([{ clientId, clock: now(), state }]);
      awareness.receive(peer, { ref: { kind: 'head', threadId } }, payload);
    },
  };

  let closing = false;
  const app = new Hono();
  app.use('*', opLog.middleware);
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  // Unknown routes answer like every other error: ACS's `{error: {code, message}}` with a stable code.
  app.notFound((c) =>
    errorResponse(
      new ParleyError('ROUTE_NOT_FOUND', `No route for ${c.req.method} ${new URL(c.req.url).pathname}.`),
    ),
  );
  if (options.metricsToken) app.route('/', createMetricsRoutes({ metrics, token: options.metricsToken }));
  app.route('/', webhooks.routes);
  app.get('/readyz', (c) => (closing ? c.json({ status: 'closing' }, 503) : c.json({ status: 'ready' })));
  app.route(
    '/',
    createAcsRoutes({
      operations: opLog.wrapOperations(operations),
      verifyToken: opLog.wrapVerifier(verifyToken),
      onInternalError,
    }),
  );
  app.route(
    '/',
    createAdminRoutes({
      store,
      ...(options.adminKey ? { adminKey: options.adminKey } : {}),
      ...(options.issueToken ? { issueToken: options.issueToken } : {}),
    }),
  );
  app.route('/', createInspectRoutes({ store, ...(options.adminKey ? { adminKey: options.adminKey } : {}) }));

  const limits = { ...defaultSessionLimits, ...options.sessionLimits };
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxFrameBytes });
  const sessions = new Set<SyncSession | YwsSession>();

  const reject = (socket: Duplex, error: unknown) => {
    const e = isParleyError(error) ? error : new ParleyError('INTERNAL');
    const body = JSON.stringify({ error: { code: e.code, message: e.message } });
    socket.end(
      `HTTP/1.1 ${httpStatusOf(e.code)} ${e.code}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  };

  // One set of listeners for every socket (see WsTransport).
  const attach = (ws: WebSocket, session: SyncSession | YwsSession): void => {
    sessions.add(session);
    sessionOfSocket.set(ws, session);
    ws.on('close', onSocketClose);
    ws.on('error', onSocketError);
  };
  function onSocketClose(this: WebSocket): void {
    const session = sessionOfSocket.get(this);
    if (!session) return;
    session.closed_();
    sessions.delete(session);
  }
  function onSocketError(this: WebSocket): void {
    sessionOfSocket.get(this)?.closed_();
  }
  function onSyncMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
    const session = sessionOfSocket.get(this) as SyncSession | undefined;
    if (!session) return;
    const bytes = isBinary ? toBytes(data) : undefined;
    if (bytes) session.receive(bytes);
    else session.close('MALFORMED_FRAME', 'Frames are binary.');
  }
  function onYwsMessage(this: WebSocket, data: RawData): void {
    const bytes = toBytes(data);
    if (bytes) sessionOfSocket.get(this)?.receive(bytes);
  }
  const startSyncSession = (ws: WebSocket): void => {
    attach(ws, new SyncSession(hub, new WsTransport(ws), limits));
    ws.on('message', onSyncMessage);
  };

  const handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (closing) {
      reject(socket, new ParleyError('UNAVAILABLE'));
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://relay');
    } catch {
      // A request target such as `//[` is not a URL; throwing here would kill the process.
      reject(socket, new ParleyError('INVALID_REQUEST', 'The request path is not a valid URL.'));
      return;
    }
    if (url.pathname === '/v1/sync') {
      wss.handleUpgrade(req, socket, head, startSyncSession);
      return;
    }
    if (url.pathname.startsWith('/v1/yjs/')) {
      let docName: string;
      try {
        docName = decodeURIComponent(url.pathname.slice('/v1/yjs/'.length));
      } catch {
        // A malformed %-escape must not throw out of the 'upgrade' listener: that kills the process.
        reject(
          socket,
          new ParleyError('INVALID_DOC_NAME', 'The document name is not valid percent-encoding.'),
        );
        return;
      }
      const token = url.searchParams.get('token') ?? '';
      verifyToken(token).then(
        (claims) => {
          try {
            const ref = parseDocName(docName);
            if (!ref) throw new ParleyError('INVALID_DOC_NAME');
            const docAccess = access.check(claims, ref);
            wss.handleUpgrade(req, socket, head, (ws) => {
              const session = new YwsSession(hub, new WsTransport(ws), claims, docName, ref, docAccess);
              attach(ws, session);
              ws.on('message', onYwsMessage);
            });
          } catch (error) {
            reject(socket, error);
          }
        },
        (error) => reject(socket, error),
      );
      return;
    }
    reject(socket, new ParleyError('DOC_NOT_FOUND', 'No WebSocket endpoint at that path.'));
  };

  const maintenance = setInterval(
    () => {
      try {
        host.compactLarge();
        host.unloadIdle(unloadAfterMs);
        receiptThrottle.sweep(now());
      } catch (error) {
        onInternalError(error);
      }
    },
    Math.max(250, Math.min(1000, unloadAfterMs / 4)),
  );
  maintenance.unref?.();

  return {
    app,
    operations,
    handleUpgrade,
    addSignals: (s, o) => {
      (o?.transactional ? txSinks : sinks).push(s);
    },
    stats: () => {
      const docs = loadedDocs();
      return {
        sessions: hub.sessionCount,
        loadedDocs: docs.count,
        sleepingDocs: docs.sleeping,
        loadedBytes: docs.bytes,
      };
    },
    close: async () => {
      if (closing) return;
      closing = true;
      clearInterval(maintenance);
      const webhooksClosed = webhooks.close();
      // Publish pending head activity, then refuse new work.
      const activityFlushed = committer.run(() => activity.flushAll()).catch(onInternalError);
      committer.close();
      await activityFlushed;
      for (const s of sessions) s.close('UNAVAILABLE');
      sessions.clear();
      awareness.close();
      try {
        host.compactAll();
      } catch (error) {
        onInternalError(error);
      }
      host.closeAll();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await webhooksClosed;
    },
    metrics,
  };
};

const hashString = (s: string): number => {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
};
