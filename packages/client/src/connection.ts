import {
  type AuthResultPayload,
  closeCodeOf,
  decodeAuthResult,
  decodeBatch,
  decodeCode,
  decodeFrame,
  encodeControl,
  encodeFrame,
  type Frame,
  MessageType,
} from '@parley/protocol';

/** The part of the WebSocket API the client uses (browsers' WebSocket and `ws` both fit). */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export type TokenSource = string | (() => Promise<string>);

/** What the client accepts from the relay: a page of 1,000 long messages exceeds the 1 MiB default. */
const INCOMING_LIMITS = { maxFrameBytes: 64 * 1024 * 1024, maxNameBytes: 512 };

/** Frames and bytes sent behind the Auth frame, at most (the relay queues 32 and 256 KB). */
export const EARLY_FRAMES = 24;
export const EARLY_BYTES = 128 * 1024;

export interface ConnectionOptions {
  /** Relay base URL (`http(s)://host` or `ws(s)://host`); `/v1/sync` is appended. */
  readonly url: string;
  readonly token: TokenSource;
  readonly WebSocket: WebSocketConstructor;
  /** Called once per authenticated session. */
  readonly onOpen: (auth: AuthResultPayload) => void;
  /** Called when an authenticated session ends (not for failed attempts). */
  readonly onClose: (code: number, reason: string) => void;
  /** Every frame after authentication (Ping is answered here and not passed on). */
  readonly onFrame: (frame: Frame) => void;
  /**
   * Called when a socket has opened and sent its Auth frame. Frames given to `sendEarly` (all of a
   * call, or none) travel right behind it: the relay holds a few frames until the token is
   * verified and then handles them, so a subscription made here is answered one round trip
   * sooner than one made after `onOpen`. It takes at most `EARLY_FRAMES` frames and
   * `EARLY_BYTES` per socket, and none after an attempt that sent some closed before its
   * AuthResult (a relay with tighter limits closes such a session), until one succeeds.
   */
  readonly onSocketOpen?: (sendEarly: (frames: readonly Frame[]) => boolean) => void;
  /** Auth refused, session error: for logs and tests. */
  readonly onError?: (error: { code: string; message: string }) => void;
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

export interface Connection {
  /** Starts connecting (and reconnecting after losses) until `stop()`. */
  start(): void;
  /** Closes the socket and stops reconnecting. */
  stop(): void;
  /** Sends a frame if a session is authenticated; returns whether it was sent. */
  send(frame: Frame): boolean;
  readonly isOpen: boolean;
  /** Started and not stopped (connected, connecting or waiting to reconnect). */
  readonly isRunning: boolean;
  readonly auth: AuthResultPayload | undefined;
}

const OPEN = 1;

/** The claims of a JWT, without verifying it (the relay verifies); undefined for other tokens. */
const jwtClaims = (token: string): Record<string, unknown> | undefined => {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const claims: unknown = JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/')));
    return claims && typeof claims === 'object' ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/** The `exp` claim of a JWT (seconds); undefined for other tokens. */
export const jwtExpiry = (token: string): number | undefined => {
  const exp = jwtClaims(token)?.exp;
  return typeof exp === 'number' ? exp : undefined;
};

/** The `sub` claim of a JWT: a hint of the user id before the relay confirms it. */
export const jwtSubject = (token: string): string | undefined => {
  const sub = jwtClaims(token)?.sub;
  return typeof sub === 'string' && sub.length > 0 ? sub : undefined;
};

/** `http://h/x` → `ws://h/x/v1/sync`. */
export const syncUrl = (base: string): string => {
  const trimmed = base.replace(/\/+$/, '');
  const ws = trimmed.replace(/^http(s?):\/\//, 'ws$1://');
  return ws.endsWith('/v1/sync') ? ws : `${ws}/v1/sync`;
};

const toBytes = (data: unknown): Uint8Array | undefined => {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (Array.isArray(data)) {
    const parts = data.filter((d): d is Uint8Array => d instanceof Uint8Array);
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let pos = 0;
    for (const p of parts) {
      out.set(p, pos);
      pos += p.length;
    }
    return out;
  }
  return undefined;
};

/**
 * One authenticated WebSocket to the relay with reconnect, exponential backoff with jitter, and
 * token refresh (`Reauth`) before the token expires when the token is a refresh callback.
 *
 * @example
 * const conn = createConnection({ url, token, WebSocket, onOpen, onClose, onFrame });
 * conn.start();
 */
export const createConnection = (options: ConnectionOptions): Connection => {
  const minBackoff = options.minBackoffMs ?? 200;
  const maxBackoff = options.maxBackoffMs ?? 10_000;
  let socket: WebSocketLike | undefined;
  let auth: AuthResultPayload | undefined;
  let running = false;
  let attempts = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let reauthTimer: ReturnType<typeof setTimeout> | undefined;
  /** Off after an attempt that sent early frames closed before authenticating; on after a success. */
  let earlyAllowed = true;

  const getToken = (): Promise<string> =>
    typeof options.token === 'string' ? Promise.resolve(options.token) : options.token();

  const rawSend = (ws: WebSocketLike, frame: Frame): boolean => {
    if (ws.readyState !== OPEN) return false;
    try {
      ws.send(encodeFrame(frame));
      return true;
    } catch {
      return false;
    }
  };

  const scheduleReauth = (expiresAt: number | undefined): void => {
    clearTimeout(reauthTimer);
    if (expiresAt === undefined || typeof options.token === 'string') return;
    const remaining = expiresAt * 1000 - Date.now();
    const delay = Math.max(1000, Math.min(remaining * 0.8, remaining - 30_000));
    reauthTimer = setTimeout(async () => {
      const ws = socket;
      try {
        const token = await getToken();
        if (!ws || ws !== socket) return;
        rawSend(ws, { docName: '', type: MessageType.Reauth, payload: encodeControl({ token }) });
        // The relay does not answer a Reauth; take the new expiry from the token when it is a JWT,
        // else assume the same lifetime as the last one.
        scheduleReauth(jwtExpiry(token) ?? Math.floor((Date.now() + remaining) / 1000));
      } catch (err) {
        options.onError?.({ code: 'UNAUTHORIZED', message: `token refresh failed: ${String(err)}` });
      }
    }, delay);
    (reauthTimer as { unref?: () => void }).unref?.();
  };

  const scheduleRetry = (): void => {
    if (!running) return;
    const base = Math.min(maxBackoff, minBackoff * 2 ** Math.min(attempts, 16));
    attempts++;
    const delay = base / 2 + Math.random() * (base / 2);
    retryTimer = setTimeout(connect, delay);
  };

  const connect = async (): Promise<void> => {
    if (!running || socket) return;
    let token: string;
    try {
      token = await getToken();
    } catch (err) {
      options.onError?.({ code: 'UNAUTHORIZED', message: `token callback failed: ${String(err)}` });
      scheduleRetry();
      return;
    }
    if (!running || socket) return;
    let ws: WebSocketLike;
    /** Whether this socket sent frames behind its Auth frame. */
    let sentEarly = false;
    try {
      ws = new options.WebSocket(syncUrl(options.url));
    } catch (err) {
      options.onError?.({ code: 'UNAVAILABLE', message: String(err) });
      scheduleRetry();
      return;
    }
    socket = ws;
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => {
      // `batch`: the relay may send everything of one turn as one Batch frame.
      rawSend(ws, {
        docName: '',
        type: MessageType.Auth,
        payload: encodeControl({ token, features: ['batch'] }),
      });
      if (!options.onSocketOpen) return;
      let frames = 0;
      let bytes = 0;
      const allowed = earlyAllowed;
      options.onSocketOpen((batch) => {
        if (!allowed || ws !== socket || auth !== undefined || ws.readyState !== OPEN) return false;
        const encoded = batch.map((f) => encodeFrame(f));
        const size = encoded.reduce((n, e) => n + e.byteLength, 0);
        if (frames + encoded.length > EARLY_FRAMES || bytes + size > EARLY_BYTES) return false;
        try {
          for (const e of encoded) ws.send(e);
        } catch {
          return false;
        }
        frames += encoded.length;
        bytes += size;
        sentEarly = true;
        return true;
      });
    };
    const handleFrame = (ws: WebSocketLike, frame: Frame): void => {
      if (frame.type === MessageType.Ping) {
        rawSend(ws, { docName: frame.docName, type: MessageType.Pong, payload: frame.payload });
        return;
      }
      if (frame.type === MessageType.AuthResult) {
        let result: AuthResultPayload;
        try {
          result = decodeAuthResult(frame.payload);
        } catch {
          try {
            options.onError?.(decodeCode(frame.payload));
          } catch {}
          return;
        }
        const first = auth === undefined;
        auth = result;
        attempts = 0;
        earlyAllowed = true;
        scheduleReauth(result.expiresAt);
        if (first) options.onOpen(result);
        return;
      }
      if (!auth) return;
      if (frame.type === MessageType.Error && frame.docName === '') {
        try {
          options.onError?.(decodeCode(frame.payload));
        } catch {}
      }
      options.onFrame(frame);
    };
    ws.onmessage = (ev) => {
      if (ws !== socket) return;
      const bytes = toBytes(ev.data);
      if (!bytes) return;
      let frame: Frame;
      try {
        frame = decodeFrame(bytes, INCOMING_LIMITS);
      } catch (err) {
        options.onError?.({ code: 'MALFORMED_FRAME', message: String(err) });
        return;
      }
      if (frame.type !== MessageType.Batch) {
        handleFrame(ws, frame);
        return;
      }
      try {
        for (const inner of decodeBatch(frame.payload)) {
          if (ws !== socket) return;
          handleFrame(ws, decodeFrame(inner, INCOMING_LIMITS));
        }
      } catch (err) {
        options.onError?.({ code: 'MALFORMED_FRAME', message: String(err) });
      }
    };
    ws.onerror = () => {};
    ws.onclose = (ev) => {
      if (ws !== socket) return;
      socket = undefined;
      clearTimeout(reauthTimer);
      const wasOpen = auth !== undefined;
      auth = undefined;
      if (!wasOpen && sentEarly) earlyAllowed = false;
      if (ev.code === closeCodeOf('UNAUTHORIZED'))
        options.onError?.({ code: 'UNAUTHORIZED', message: ev.reason || 'relay refused the token' });
      if (wasOpen) options.onClose(ev.code, ev.reason);
      scheduleRetry();
    };
  };

  return {
    start() {
      if (running) return;
      running = true;
      attempts = 0;
      void connect();
    },
    stop() {
      running = false;
      clearTimeout(retryTimer);
      clearTimeout(reauthTimer);
      const ws = socket;
      if (!ws) return;
      socket = undefined;
      const wasOpen = auth !== undefined;
      auth = undefined;
      ws.onmessage = null;
      ws.onclose = null;
      try {
        ws.close(1000, 'client stopped');
      } catch {}
      if (wasOpen) options.onClose(1000, 'client stopped');
    },
    send(frame) {
      return socket !== undefined && auth !== undefined && rawSend(socket, frame);
    },
    get isOpen() {
      return socket !== undefined && auth !== undefined;
    },
    get isRunning() {
      return running;
    },
    get auth() {
      return auth;
    },
  };
};
