import { type DocRef, parseDocName, redactUpdate } from '@parley/model';
import {
  closeCodeOf,
  decodeAuth,
  decodeFrame,
  decodeSubscribe,
  encodeBatch,
  encodeControl,
  encodeFrame,
  type ErrorCode,
  isParleyError,
  MessageType,
  type MessageTypeId,
  ParleyError,
  SyncStep,
} from '@parley/protocol';
import * as Y from 'yjs';
import type { Actor, TokenClaims } from './api.ts';
import type { DocAccess } from './access.ts';
import type { DocSubscriber, HostedDoc } from './docHost.ts';
import type { SessionHub } from './hub.ts';
import { TokenBucket } from './rateLimit.ts';
import type { SessionLimits } from './sessionLimits.ts';
import { readSyncMessage, syncStep1Payload, syncStep2Payload, syncUpdatePayload } from './syncMessages.ts';

/** The socket under a session (a `ws` WebSocket, or a test double behind this interface). */
export interface SessionTransport {
  send(bytes: Uint8Array): void;
  close(code: number, reason: string): void;
  readonly bufferedAmount: number;
}

export interface Subscription {
  readonly docName: string;
  readonly ref: DocRef;
  hosted: HostedDoc;
  readonly access: DocAccess;
  readonly subscriber: DocSubscriber;
}

/** A session's place among a doc's subscribers (a class: no closure per subscription). */
class SessionSubscriber implements DocSubscriber {
  readonly #session: SyncSession;
  /** Set right after the subscription is made (each refers to the other). */
  sub: Subscription | undefined;

  constructor(session: SyncSession) {
    this.#session = session;
  }

  get sessionId(): string {
    return this.#session.id;
  }

  deliver(hosted: HostedDoc, update: Uint8Array): void {
    if (this.sub) this.#session.deliver(this.sub, hosted, update);
  }
}

const closeUnauthenticated = (session: SyncSession): void => session.close('AUTH_TIMEOUT');
const closeExpired = (session: SyncSession): void => session.close('UNAUTHORIZED', 'The token expired.');

let sessionCounter = 0;

type FrameCache = WeakMap<Uint8Array, { readonly docName: string; readonly frame: Uint8Array }>;
/** Committed updates' Sync frames, shared by every unrestricted subscriber of the doc. */
const updateFrames: FrameCache = new WeakMap();
/** Awareness frames by update (a batch is one update object for every peer of its thread). */
const awarenessFrames: FrameCache = new WeakMap();
/**
 * Sync answers by update: the doc host returns one cached update per doc and state vector while
 * the doc is unchanged, so sessions asking for the same doc from the same state (every member
 * opening a new page, each with an empty state vector) get one frame's bytes, not a copy each.
 */
const answerFrames: FrameCache = new WeakMap();
const asIs = (bytes: Uint8Array): Uint8Array => bytes;

/** The frame carrying `bytes` for `docName`, encoded on first use and then shared from `cache`. */
const sharedFrame = (
  cache: FrameCache,
  docName: string,
  type: MessageTypeId,
  bytes: Uint8Array,
  payloadOf: (bytes: Uint8Array) => Uint8Array,
): Uint8Array => {
  const shared = cache.get(bytes);
  if (shared?.docName === docName) return shared.frame;
  const frame = encodeFrame({ docName, type, payload: payloadOf(bytes) });
  cache.set(bytes, { docName, frame });
  return frame;
};

/**
 * Members of one thread usually receive the same frames in a turn (the page's and the head's
 * update): the last batch built is reused when the next session's frames are the same objects.
 */
let lastBatch: { frames: readonly Uint8Array[]; bytes: Uint8Array } | undefined;
const sharedBatch = (frames: readonly Uint8Array[]): Uint8Array => {
  const last = lastBatch;
  if (last && last.frames.length === frames.length && last.frames.every((f, i) => f === frames[i]))
    return last.bytes;
  const bytes = encodeBatch(frames);
  lastBatch = { frames, bytes };
  return bytes;
};

/**
 * One client connection on `/v1/sync`: authenticates with the first frame, then multiplexes
 * subscriptions to many docs. Frames of one session are handled in order.
 */
export class SyncSession {
  readonly id: string;
  readonly subs = new Map<string, Subscription>();
  claims: TokenClaims | undefined;
  readonly #hub: SessionHub;
  readonly #transport: SessionTransport;
  readonly #limits: SessionLimits;
  #preAuth: Uint8Array[] = [];
  #preAuthBytes = 0;
  #authTimer: ReturnType<typeof setTimeout> | undefined;
  #authenticating = false;
  #closed = false;
  readonly #frames: TokenBucket;
  readonly #bytes: TokenBucket;
  #lastRateError = 0;
  /** The client understands Batch frames: everything sent in one turn goes out as one message. */
  #batching = false;
  #outbox: Uint8Array[] = [];
  #outboxBytes = 0;

  constructor(hub: SessionHub, transport: SessionTransport, limits: SessionLimits) {
    this.id = `s${++sessionCounter}-${Math.random().toString(36).slice(2, 8)}`;
    this.#hub = hub;
    this.#transport = transport;
    this.#limits = limits;
    this.#frames = new TokenBucket(limits.frameBurst, limits.framesPerSecond);
    this.#bytes = new TokenBucket(limits.byteBurst, limits.bytesPerSecond);
    this.#authTimer = setTimeout(closeUnauthenticated, limits.authTimeoutMs, this);
    this.#authTimer.unref?.();
  }

  get actor(): Actor | undefined {
    return this.claims;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Handles one WebSocket message. Never throws. */
  receive(data: Uint8Array): void {
    if (this.#closed) return;
    if (!this.claims) {
      if (this.#authenticating || this.#preAuth.length > 0) {
        this.#preAuthBytes += data.length;
        if (
          this.#preAuth.length >= this.#limits.maxPreAuthFrames ||
          this.#preAuthBytes > this.#limits.maxPreAuthBytes
        ) {
          this.close('RATE_LIMITED', 'Too many frames before authentication.');
          return;
        }
        this.#preAuth.push(data);
        return;
      }
      this.#authenticate(data);
      return;
    }
    if (!this.#frames.take(1) || !this.#bytes.take(data.length)) {
      const now = Date.now();
      if (now - this.#lastRateError > 1000) {
        this.#lastRateError = now;
        this.sendCode(MessageType.Error, '', 'RATE_LIMITED');
      }
      this.#hub.metrics.rateLimited?.();
      return;
    }
    try {
      this.#handle(decodeFrame(data, this.#limits));
    } catch (error) {
      this.#reportError('', error);
    }
  }

  #authenticate(data: Uint8Array): void {
    let token: string;
    try {
      const frame = decodeFrame(data, this.#limits);
      if (frame.type !== MessageType.Auth)
        throw new ParleyError('UNAUTHORIZED', 'The first frame must authenticate.');
      const auth = decodeAuth(frame.payload);
      token = auth.token;
      this.#batching = auth.features?.includes('batch') ?? false;
    } catch (error) {
      this.close(isParleyError(error) && error.code !== 'MALFORMED_FRAME' ? error.code : 'UNAUTHORIZED');
      return;
    }
    this.#authenticating = true;
    this.#hub.verifyToken(token).then(
      (claims) => {
        if (this.#closed) return;
        this.#authenticating = false;
        clearTimeout(this.#authTimer);
        this.#authTimer = undefined;
        this.claims = claims;
        this.#hub.register(this);
        this.#send(
          encodeFrame({
            docName: '',
            type: MessageType.AuthResult,
            payload: encodeControl({
              userId: claims.userId,
              displayName: claims.displayName,
              scope: claims.scope,
              sessionId: this.id,
              ...(claims.expiresAt ? { expiresAt: claims.expiresAt } : {}),
            }),
          }),
        );
        this.#scheduleExpiry();
        const queued = this.#preAuth;
        this.#preAuth = [];
        for (const d of queued) this.receive(d);
      },
      () => this.close('UNAUTHORIZED'),
    );
  }

  #expiryTimer: ReturnType<typeof setTimeout> | undefined;
  #scheduleExpiry(): void {
    clearTimeout(this.#expiryTimer);
    const exp = this.claims?.expiresAt;
    if (!exp) return;
    const ms = Math.min(exp * 1000 - Date.now(), 2_147_000_000);
    this.#expiryTimer = setTimeout(closeExpired, Math.max(ms, 0), this);
    this.#expiryTimer.unref?.();
  }

  #handle(frame: ReturnType<typeof decodeFrame>): void {
    switch (frame.type) {
      case MessageType.Subscribe:
        this.#subscribe(frame.docName, decodeSubscribe(frame.payload).generation);
        return;
      case MessageType.Unsubscribe:
        this.unsubscribe(frame.docName);
        return;
      case MessageType.Sync:
        this.#sync(frame.docName, frame.payload);
        return;
      case MessageType.Awareness: {
        const sub = this.#requireSub(frame.docName);
        if (sub.ref.kind !== 'head')
          throw new ParleyError('INVALID_REQUEST', 'Awareness travels on head docs only.');
        this.#hub.awareness.receive(this, sub, frame.payload);
        return;
      }
      case MessageType.Ping:
        this.#send(encodeFrame({ docName: '', type: MessageType.Pong, payload: new Uint8Array(0) }));
        return;
      case MessageType.Pong:
        return;
      case MessageType.Reauth: {
        const { token } = decodeAuth(frame.payload);
        this.#hub.verifyToken(token).then(
          (claims) => {
            if (claims.userId !== this.claims?.userId)
              return this.close('UNAUTHORIZED', 'Reauth as another user.');
            this.claims = claims;
            this.#scheduleExpiry();
          },
          () => this.close('UNAUTHORIZED'),
        );
        return;
      }
      default:
        throw new ParleyError('INVALID_REQUEST', 'Clients may not send that message type.');
    }
  }

  #subscribe(docName: string, generation: number | undefined): void {
    const actor = this.claims!;
    try {
      const ref = parseDocName(docName);
      if (!ref) throw new ParleyError('INVALID_DOC_NAME', 'Not a Parley doc name.');
      if (this.subs.has(docName)) this.unsubscribe(docName);
      if (this.subs.size >= this.#limits.maxSubscriptions) throw new ParleyError('TOO_MANY_SUBSCRIPTIONS');
      const access = this.#hub.access.check(actor, ref);
      if (ref.kind !== 'user' && generation !== undefined && generation !== access.generation) {
        this.#send(
          encodeFrame({
            docName,
            type: MessageType.Reset,
            payload: encodeControl({
              code: 'STALE_GENERATION',
              message: 'Your local copy was built under another visibility; drop it and subscribe again.',
              generation: access.generation,
            }),
          }),
        );
        return;
      }
      const hosted = this.#hub.host.open(docName);
      const subscriber = new SessionSubscriber(this);
      const sub: Subscription = { docName, ref, hosted, access, subscriber };
      subscriber.sub = sub;
      hosted.subscribers.add(sub.subscriber);
      this.subs.set(docName, sub);
      this.#hub.metrics.subscriptions?.(1);
      this.#send(
        encodeFrame({
          docName,
          type: MessageType.Subscription,
          payload: encodeControl({
            status: 'granted',
            mode: access.mode,
            ...(access.generation !== undefined ? { generation: access.generation } : {}),
          }),
        }),
      );
      this.#sendSync(docName, syncStep1Payload(Y.encodeStateVector(hosted.doc)));
      if (ref.kind === 'user') this.#hub.userOps.schedule(actor);
      if (ref.kind === 'head') this.#hub.awareness.sendAll(this, sub);
    } catch (error) {
      const e = toParleyError(error);
      this.#send(
        encodeFrame({
          docName,
          type: MessageType.Subscription,
          payload: encodeControl({ status: 'denied', code: e.code, message: e.message }),
        }),
      );
    }
  }

  unsubscribe(docName: string): void {
    const sub = this.subs.get(docName);
    if (!sub) return;
    this.subs.delete(docName);
    sub.hosted.subscribers.delete(sub.subscriber);
    this.#hub.metrics.subscriptions?.(-1);
    if (sub.ref.kind === 'head') this.#hub.awareness.leave(this, sub.ref.threadId);
  }

  /** Ends a subscription from the relay's side (removed from the thread, thread deleted). */
  revoke(docName: string, code: ErrorCode, message?: string): void {
    if (!this.subs.has(docName)) return;
    this.unsubscribe(docName);
    this.sendCode(MessageType.Revoke, docName, code, message);
  }

  #requireSub(docName: string): Subscription {
    const sub = this.subs.get(docName);
    if (!sub) throw new ParleyError('NOT_SUBSCRIBED', `Not subscribed to ${docName.slice(0, 80)}.`);
    return sub;
  }

  #sync(docName: string, payload: Uint8Array): void {
    const sub = this.#requireSub(docName);
    const msg = readSyncMessage(payload);
    if (!msg) throw new ParleyError('MALFORMED_FRAME', 'Not a y-protocols sync message.');
    const hosted = sub.hosted;
    if (msg.step === SyncStep.Step1) {
      try {
        Y.decodeStateVector(msg.stateVector);
      } catch {
        throw new ParleyError('MALFORMED_FRAME', 'The state vector could not be decoded.');
      }
      const update = this.#hub.syncAnswer(hosted, sub.access.hidden, msg.stateVector);
      this.#send(sharedFrame(answerFrames, docName, MessageType.Sync, update, syncStep2Payload));
      this.#hub.metrics.syncBytesOut?.(update.length);
      return;
    }
    if (sub.access.mode !== 'readwrite') {
      // The routine step-2 reply of every Yjs client is ignored quietly; real writes are refused.
      if (msg.step === SyncStep.Step2) return;
      throw new ParleyError('WRITE_FORBIDDEN', `Clients may not write to ${docName}.`);
    }
    this.#hub.metrics.syncBytesIn?.(msg.update.length);
    this.#hub
      .acceptClientUpdate(sub.hosted, msg.update, this.id, this.claims!)
      .catch((error) => this.#reportError(docName, error));
  }

  /** Sends a committed update of a doc this session subscribes to (called by its subscriber). */
  deliver(sub: Subscription, hosted: HostedDoc, update: Uint8Array): void {
    if (sub.access.hidden) {
      this.#sendSync(sub.docName, syncUpdatePayload(redactUpdate(hosted.doc, update, sub.access.hidden)));
      return;
    }
    // Every unrestricted subscriber of a doc gets the same bytes: encode the frame once.
    this.#send(sharedFrame(updateFrames, sub.docName, MessageType.Sync, update, syncUpdatePayload));
  }

  #sendSync(docName: string, payload: Uint8Array): void {
    this.#send(encodeFrame({ docName, type: MessageType.Sync, payload }));
  }

  sendAwareness(docName: string, update: Uint8Array): void {
    // A thread's batch goes to every member as the same bytes: encode the frame once.
    this.#send(sharedFrame(awarenessFrames, docName, MessageType.Awareness, update, asIs));
  }

  #send(frame: Uint8Array): void {
    if (this.#closed) return;
    if (this.#transport.bufferedAmount > this.#limits.maxBufferedBytes) {
      this.close('RATE_LIMITED', 'The client is not reading fast enough.');
      return;
    }
    this.#hub.metrics.framesOut?.(frame.length);
    if (!this.#batching) {
      this.#transport.send(frame);
      return;
    }
    if (this.#outbox.length === 0) queueMicrotask(() => this.#flushOutbox());
    this.#outbox.push(frame);
    this.#outboxBytes += frame.length;
    if (this.#outboxBytes > 512 * 1024) this.#flushOutbox();
  }

  #flushOutbox(): void {
    const frames = this.#outbox;
    if (frames.length === 0 || this.#closed) return;
    this.#outbox = [];
    this.#outboxBytes = 0;
    this.#transport.send(frames.length === 1 ? frames[0]! : sharedBatch(frames));
  }

  sendCode(
    type: typeof MessageType.Error | typeof MessageType.Revoke,
    docName: string,
    code: ErrorCode,
    message?: string,
  ): void {
    this.#send(
      encodeFrame({
        docName,
        type,
        payload: encodeControl({ code, message: message ?? new ParleyError(code).message }),
      }),
    );
  }

  #reportError(docName: string, error: unknown): void {
    const e = toParleyError(error);
    if (e.code === 'INTERNAL') this.#hub.onInternalError(error);
    this.sendCode(MessageType.Error, docName, e.code, e.message);
  }

  close(code: ErrorCode, message?: string): void {
    if (this.#closed) return;
    this.#flushOutbox();
    this.#closed = true;
    clearTimeout(this.#authTimer);
    clearTimeout(this.#expiryTimer);
    for (const name of [...this.subs.keys()]) this.unsubscribe(name);
    this.#hub.unregister(this);
    try {
      this.#transport.close(closeCodeOf(code), (message ?? code).slice(0, 120));
    } catch {
      // already closed
    }
  }

  /** The socket closed from the other side. */
  closed_(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#authTimer);
    clearTimeout(this.#expiryTimer);
    for (const name of [...this.subs.keys()]) this.unsubscribe(name);
    this.#hub.unregister(this);
  }
}

export const toParleyError = (error: unknown): ParleyError =>
  isParleyError(error) ? error : new ParleyError('INTERNAL', 'The relay failed to handle the request.');
