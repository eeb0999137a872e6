import { type DocRef, redactUpdate } from '@parley/model';
import { closeCodeOf, type ErrorCode, type MessageType, SyncStep } from '@parley/protocol';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import type { DocAccess } from './access.ts';
import type { TokenClaims } from './api.ts';
import type { DocSubscriber, HostedDoc } from './docHost.ts';
import type { SessionHub } from './hub.ts';
import { TokenBucket } from './rateLimit.ts';
import type { SessionTransport } from './session.ts';
import { readSyncMessage, syncStep1Payload, syncStep2Payload, syncUpdatePayload } from './syncMessages.ts';

/** y-websocket message types (first varUint of every message). */
const YWS = { sync: 0, awareness: 1, auth: 2, queryAwareness: 3 } as const;

let counter = 0;

/**
 * The plain y-websocket protocol for one doc (`/v1/yjs/<docName>?token=…`), so that a stock
 * `WebsocketProvider` can sync any doc its user may read. Same rules as `/v1/sync`: thread docs are
 * read-only and redacted by visibility; only the user's own `user:` doc is writable.
 */
export class YwsSession {
  readonly id = `y${++counter}-${Math.random().toString(36).slice(2, 8)}`;
  readonly claims: TokenClaims;
  readonly subs = new Map<string, unknown>();
  readonly #hub: SessionHub;
  readonly #transport: SessionTransport;
  readonly #ref: DocRef;
  readonly #access: DocAccess;
  readonly #hosted: HostedDoc;
  readonly #subscriber: DocSubscriber;
  readonly #frames = new TokenBucket(2000, 400);
  #closed = false;
  #expiryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    hub: SessionHub,
    transport: SessionTransport,
    claims: TokenClaims,
    docName: string,
    ref: DocRef,
    access: DocAccess,
  ) {
    this.#hub = hub;
    this.#transport = transport;
    this.claims = claims;
    this.#ref = ref;
    this.#access = access;
    this.#hosted = hub.host.open(docName);
    this.#subscriber = { sessionId: this.id, deliver: (doc, update) => this.#deliver(doc, update) };
    this.#hosted.subscribers.add(this.#subscriber);
    this.subs.set(docName, true);
    hub.register(this);
    // Like SyncSession: the session ends when its token does (there is no Reauth on this protocol).
    if (claims.expiresAt) {
      const ms = Math.min(claims.expiresAt * 1000 - Date.now(), 2_147_000_000);
      this.#expiryTimer = setTimeout(() => this.close('UNAUTHORIZED'), Math.max(ms, 0));
      this.#expiryTimer.unref?.();
    }
    this.#send(YWS.sync, syncStep1Payload(Y.encodeStateVector(this.#hosted.doc)));
    if (ref.kind === 'head') hub.awareness.sendAll(this, { ref });
    if (ref.kind === 'user') hub.userOps.schedule(claims);
  }

  receive(data: Uint8Array): void {
    if (this.#closed) return;
    if (!this.#frames.take()) return;
    try {
      const decoder = decoding.createDecoder(data);
      const type = decoding.readVarUint(decoder);
      const rest = data.subarray(decoder.pos);
      if (type === YWS.sync) this.#sync(rest);
      else if (type === YWS.awareness && this.#ref.kind === 'head') {
        this.#hub.awareness.receive(this, { ref: this.#ref }, decoding.readVarUint8Array(decoder));
      } else if (type === YWS.queryAwareness && this.#ref.kind === 'head') {
        this.#hub.awareness.sendAll(this, { ref: this.#ref });
      }
    } catch {
      // Malformed input is ignored; the stock protocol has no error message.
    }
  }

  #sync(payload: Uint8Array): void {
    const msg = readSyncMessage(payload);
    if (!msg) return;
    if (msg.step === SyncStep.Step1) {
      const update = this.#hub.syncAnswer(this.#hosted, this.#access.hidden, msg.stateVector);
      this.#send(YWS.sync, syncStep2Payload(update));
      return;
    }
    if (this.#access.mode !== 'readwrite') {
      if (msg.step === SyncStep.Update) this.#permissionDenied('Clients may not write to thread documents.');
      return;
    }
    this.#hub
      .acceptClientUpdate(this.#hosted, msg.update, this.id, this.claims)
      .catch(() => this.#permissionDenied('The update could not be applied.'));
  }

  #deliver(hosted: HostedDoc, update: Uint8Array): void {
    const body = this.#access.hidden ? redactUpdate(hosted.doc, update, this.#access.hidden) : update;
    this.#send(YWS.sync, syncUpdatePayload(body));
  }

  sendAwareness(_docName: string, update: Uint8Array): void {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, YWS.awareness);
    encoding.writeVarUint8Array(encoder, update);
    this.#raw(encoding.toUint8Array(encoder));
  }

  sendCode(_type: typeof MessageType.Error, _docName: string, _code: ErrorCode, message?: string): void {
    this.#permissionDenied(message ?? 'Refused.');
  }

  #permissionDenied(reason: string): void {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, YWS.auth);
    encoding.writeVarUint(encoder, 0);
    encoding.writeVarString(encoder, reason);
    this.#raw(encoding.toUint8Array(encoder));
  }

  #send(type: number, payload: Uint8Array): void {
    const out = new Uint8Array(payload.length + 1);
    out[0] = type;
    out.set(payload, 1);
    this.#raw(out);
  }

  #raw(bytes: Uint8Array): void {
    if (this.#closed) return;
    if (this.#transport.bufferedAmount > 32 * 1024 * 1024) {
      this.close('RATE_LIMITED');
      return;
    }
    this.#transport.send(bytes);
  }

  revoke(_docName: string, code: ErrorCode): void {
    this.close(code);
  }

  close(code: ErrorCode): void {
    if (this.#closed) return;
    this.closed_();
    try {
      this.#transport.close(closeCodeOf(code), code);
    } catch {
      // already closed
    }
  }

  closed_(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#expiryTimer);
    this.#hosted.subscribers.delete(this.#subscriber);
    this.subs.clear();
    if (this.#ref.kind === 'head') this.#hub.awareness.leave(this, this.#ref.threadId);
    this.#hub.unregister(this);
  }
}
