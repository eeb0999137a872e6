/** A minimal client of Parley's multiplexed protocol (the frames of @parley/protocol). */
import {
  headDocName,
  type OpEnvelope,
  type OpPayload,
  pageDocName,
  readMeta,
  readPages,
  timeOrderedId,
  userDocName,
  writeOp,
} from '@parley/model';
import {
  decodeAuthResult,
  decodeBatch,
  decodeFrame,
  decodeSubscription,
  encodeControl,
  encodeFrame,
  type Frame,
  MessageType,
  SyncStep,
} from '@parley/protocol';
import { createHmacTokens } from '@parley/relay';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { type Found, scanMarkers } from '../lib/message.ts';
import { BENCH_SECRET } from '../servers/secret.ts';
import type { BenchConn, ConnOptions, ConnStats } from './conn.ts';

const tokens = createHmacTokens({ secret: BENCH_SECRET });
const LIMITS = { maxFrameBytes: 1024 * 1024 * 1024, maxNameBytes: 512 };

export const syncPayload = (step: number, body: Uint8Array): Uint8Array => {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, step);
  encoding.writeVarUint8Array(e, body);
  return encoding.toUint8Array(e);
};

export class ParleyConn implements BenchConn {
  readonly stats: ConnStats = { frames: 0, messages: 0, awarenessFrames: 0, bytes: 0 };
  readonly docs = new Map<string, Y.Doc>();
  readonly member: string;
  userId = '';
  #ws: WebSocket;
  #o: ConnOptions;
  #waiters = new Map<string, () => void>();
  #n = 0;
  #device = `dev_${Math.random().toString(36).slice(2, 12)}`;
  #awareness: Awareness | undefined;
  #found: Found[] = [];

  private constructor(ws: WebSocket, o: ConnOptions) {
    this.#ws = ws;
    this.#o = o;
    this.member = o.member;
    ws.on('message', (data: Buffer) => this.#onMessage(data));
  }

  static #tokens = new Map<string, Promise<string>>();

  /**
   * A member's token, signed once per process: an app holds its token before it connects (the
   * SDK's `token` option), so signing is not part of a connection's time (W3/W4 call this
   * before their clock starts).
   */
  static token(member: string): Promise<string> {
    let t = ParleyConn.#tokens.get(member);
    if (!t) ParleyConn.#tokens.set(member, (t = tokens.sign({ userId: member, displayName: member })));
    return t;
  }

  static async connect(o: ConnOptions): Promise<ParleyConn> {
    const token = await ParleyConn.token(o.member);
    const ws = new WebSocket(`${o.url.replace(/^http/, 'ws')}/v1/sync`, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const c = new ParleyConn(ws, o);
    const authed = new Promise<void>((r) => c.#waiters.set('', r));
    c.#send({ docName: '', type: MessageType.Auth, payload: encodeControl({ token, features: ['batch'] }) });
    // The relay handles these once the token is verified, as it does the SDK's on reconnect.
    for (const name of o.early ?? []) c.#early.set(name, c.subscribe(name));
    await authed;
    if (o.sender) await c.subscribe(userDocName(c.userId));
    if (o.mode === 'scan') {
      await c.subscribe(headDocName(o.threadId));
      c.#page = readMeta(c.doc(headDocName(o.threadId)))?.currentPage ?? 0;
      await c.subscribe(pageDocName(o.threadId, c.#page));
    }
    return c;
  }

  /** Subscriptions sent behind the Auth frame (`ConnOptions.early`), until asked for. */
  #early = new Map<string, Promise<void>>();

  /** Subscribes and resolves when the relay's step 2 has arrived (and, in doc mode, was applied). */
  subscribe(docName: string): Promise<void> {
    const early = this.#early.get(docName);
    if (early) {
      this.#early.delete(docName);
      return early;
    }
    const done = new Promise<void>((r) => this.#waiters.set(docName, r));
    this.#send({ docName, type: MessageType.Subscribe, payload: encodeControl({}) });
    // Step 1 right behind the Subscribe, as the SDK sends it (docSync.ts).
    this.#send({
      docName,
      type: MessageType.Sync,
      payload: syncPayload(SyncStep.Step1, this.#stateVector(docName)),
    });
    return done;
  }

  #stateVector(docName: string): Uint8Array {
    return this.#scanOnly(docName) ? new Uint8Array([0]) : Y.encodeStateVector(this.doc(docName));
  }

  doc(name: string): Y.Doc {
    let d = this.docs.get(name);
    if (!d) {
      d = this.#o.initial?.get(name) ?? new Y.Doc();
      if (name.startsWith('user:')) {
        d.on('update', (update: Uint8Array, origin: unknown) => {
          if (origin === 'remote') return;
          this.#send({
            docName: name,
            type: MessageType.Sync,
            payload: syncPayload(SyncStep.Update, update),
          });
        });
      }
      this.docs.set(name, d);
    }
    return d;
  }

  op(op: OpPayload): void {
    const env: OpEnvelope = {
      // Time-ordered, as the SDK's op ids are (opQueue.ts): the store's op rows then append.
      id: timeOrderedId(),
      device: this.#device,
      n: ++this.#n,
      createdOn: new Date().toISOString(),
      op,
    };
    writeOp(this.doc(userDocName(this.userId)), env);
  }

  sendMessage(id: string, content: string): void {
    this.op({ type: 'sendMessage', threadId: this.#o.threadId, messageId: id, content, messageType: 'text' });
  }

  #presence(): Awareness {
    this.#awareness ??= new Awareness(new Y.Doc());
    return this.#awareness;
  }

  #sendAwareness(): void {
    const a = this.#presence();
    this.#send({
      docName: headDocName(this.#o.threadId),
      type: MessageType.Awareness,
      payload: encodeAwarenessUpdate(a, [a.clientID]),
    });
  }

  sendTyping(): void {
    this.#presence().setLocalStateField('typing', { at: Date.now(), displayName: this.member });
    this.#sendAwareness();
  }

  sendReceipt(messageId: string): void {
    this.op({ type: 'sendReadReceipt', threadId: this.#o.threadId, messageId });
    this.#presence().setLocalStateField('read', { messageId, seq: 0, at: Date.now() });
    this.#sendAwareness();
  }

  close(): void {
    this.#awareness?.destroy();
    this.#ws.close();
  }

  #send(frame: Frame): void {
    this.#ws.send(encodeFrame(frame));
  }

  #onMessage(data: Buffer): void {
    this.stats.bytes += data.length;
    this.stats.messages++;
    const frame = decodeFrame(data, LIMITS);
    if (frame.type === MessageType.Batch) {
      for (const inner of decodeBatch(frame.payload)) this.#onFrame(decodeFrame(inner, LIMITS));
    } else this.#onFrame(frame);
    if (this.#o.mode === 'scan' && this.#o.onMarkers) {
      this.#found.length = 0;
      scanMarkers(data, this.#found);
      if (this.#found.length > 0) this.#o.onMarkers(this.#found);
    }
  }

  /** Scan mode: page docs are scanned for markers, not applied (head and user docs are). */
  #scanOnly(docName: string): boolean {
    return (
      this.#o.mode === 'scan' && docName.startsWith('thread:') && docName !== headDocName(this.#o.threadId)
    );
  }

  #page = 0;

  /**
   * Scan mode: subscribe to each page the head lists beyond the ones held — the next page is
   * listed, empty, once the current one is half full — as the SDK's `wantPages` does.
   */
  #followPages(): void {
    const head = this.doc(headDocName(this.#o.threadId));
    let newest = readMeta(head)?.currentPage ?? 0;
    for (const p of readPages(head)) newest = Math.max(newest, p.page);
    while (this.#page < newest) {
      this.#page++;
      void this.subscribe(pageDocName(this.#o.threadId, this.#page));
    }
  }

  #resolve(key: string): void {
    const w = this.#waiters.get(key);
    if (w) {
      this.#waiters.delete(key);
      w();
    }
  }

  #onFrame(frame: Frame): void {
    this.stats.frames++;
    switch (frame.type) {
      case MessageType.AuthResult:
        this.userId = decodeAuthResult(frame.payload).userId;
        this.#resolve('');
        break;
      case MessageType.Subscription: {
        const s = decodeSubscription(frame.payload);
        if (s.status !== 'granted') throw new Error(`${frame.docName}: ${JSON.stringify(s)}`);
        break;
      }
      case MessageType.Sync: {
        const d = decoding.createDecoder(frame.payload);
        const step = decoding.readVarUint(d);
        const body = decoding.readVarUint8Array(d);
        const scanOnly = this.#scanOnly(frame.docName);
        if (step === SyncStep.Step1) {
          const update = scanOnly
            ? new Uint8Array([0, 0])
            : Y.encodeStateAsUpdate(this.doc(frame.docName), body);
          this.#send({
            docName: frame.docName,
            type: MessageType.Sync,
            payload: syncPayload(SyncStep.Step2, update),
          });
        } else {
          if (!scanOnly) Y.applyUpdate(this.doc(frame.docName), body, 'remote');
          if (step === SyncStep.Step2) this.#resolve(frame.docName);
          if (this.#o.mode === 'scan' && frame.docName === headDocName(this.#o.threadId)) this.#followPages();
        }
        break;
      }
      case MessageType.Awareness:
        this.stats.awarenessFrames++;
        break;
      case MessageType.Error:
      case MessageType.Revoke:
      case MessageType.Reset:
        console.error(`[parley conn ${this.member}] frame ${frame.type} on ${frame.docName}`);
        break;
    }
  }
}
