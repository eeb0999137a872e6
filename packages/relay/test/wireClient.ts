import {
  type OpEnvelope,
  type OpPayload,
  type OpResult,
  randomId,
  readResult,
  userDocName,
  writeOp,
} from '@parley/model';
import {
  type CodePayload,
  decodeAuthResult,
  decodeBatch,
  decodeCode,
  decodeFrame,
  decodeSubscription,
  encodeControl,
  encodeFrame,
  type Frame,
  MessageType,
  type SubscriptionPayload,
  SyncStep,
} from '@parley/protocol';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import type { TestRelay } from './harness.ts';

/**
 * A minimal client of the multiplexed protocol for relay tests: it keeps one Y.Doc per subscribed
 * doc, records every byte received, and writes intents into its user doc. Not the SDK.
 */
export class WireClient {
  readonly docs = new Map<string, Y.Doc>();
  readonly received: Uint8Array[] = [];
  readonly frames: Frame[] = [];
  readonly subscriptions = new Map<string, SubscriptionPayload>();
  readonly revoked = new Map<string, CodePayload>();
  readonly resets = new Map<string, CodePayload>();
  readonly errors: CodePayload[] = [];
  closeCode: number | undefined;
  userId = '';
  /** Called with every frame after the client handled it. */
  onFrame: ((frame: Frame) => void) | undefined;
  #ws: WebSocket;
  #n = 0;
  #device = randomId(12);
  #waiters: (() => void)[] = [];

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('message', (data: Buffer) => this.#onMessage(new Uint8Array(data)));
    ws.on('close', (code) => {
      this.closeCode = code;
      this.#notify();
    });
  }

  /** Connects as `userId` (named after it) and subscribes to the user's own doc. */
  static async asUser(relay: Pick<TestRelay, 'url' | 'token'>, userId: string): Promise<WireClient> {
    const c = await WireClient.connect(relay.url, await relay.token(userId, { displayName: userId }));
    await c.subscribe(userDocName(userId));
    return c;
  }

  static async connect(url: string, token: string): Promise<WireClient> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/sync`);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const client = new WireClient(ws);
    client.sendFrame({
      docName: '',
      type: MessageType.Auth,
      payload: encodeControl({ token, features: ['batch'] }),
    });
    await client.until(() => client.userId !== '' || client.closeCode !== undefined);
    return client;
  }

  sendFrame(frame: Frame): void {
    this.#ws.send(encodeFrame(frame));
  }

  sendRaw(bytes: Uint8Array): void {
    this.#ws.send(bytes);
  }

  doc(name: string): Y.Doc {
    let d = this.docs.get(name);
    if (!d) {
      d = new Y.Doc();
      const docName = name;
      d.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin === 'remote' || !docName.startsWith('user:')) return;
        this.sendFrame({ docName, type: MessageType.Sync, payload: syncPayload(SyncStep.Update, update) });
      });
      this.docs.set(name, d);
    }
    return d;
  }

  /** Subscribes and waits until the relay's step 2 arrived (or the subscription was denied). */
  async subscribe(docName: string, generation?: number): Promise<SubscriptionPayload> {
    this.subscriptions.delete(docName);
    this.resets.delete(docName);
    this.#synced.delete(docName);
    this.sendFrame({
      docName,
      type: MessageType.Subscribe,
      payload: encodeControl(generation === undefined ? {} : { generation }),
    });
    await this.until(
      () =>
        this.resets.has(docName) ||
        this.subscriptions.get(docName)?.status === 'denied' ||
        this.#synced.has(docName),
    );
    return (
      this.subscriptions.get(docName) ?? { status: 'denied', code: 'STALE_GENERATION', message: 'reset' }
    );
  }

  #synced = new Set<string>();

  /** Writes an intent into the user doc; resolves with the relay's result. */
  async op(op: OpPayload): Promise<OpResult> {
    const id = randomId(22);
    const env: OpEnvelope = {
      id,
      device: this.#device,
      n: ++this.#n,
      createdOn: new Date().toISOString(),
      op,
    };
    const user = this.doc(userDocName(this.userId));
    writeOp(user, env);
    await this.until(() => readResult(user, id) !== undefined, 10_000);
    return readResult(user, id)!;
  }

  async until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('timed out waiting for condition');
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  close(): void {
    this.#ws.close();
  }

  #notify(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const fn of w) fn();
  }

  #onMessage(data: Uint8Array): void {
    this.received.push(data);
    const frame = decodeFrame(data, { maxFrameBytes: 64 * 1024 * 1024, maxNameBytes: 512 });
    if (frame.type === MessageType.Batch) {
      this.batches++;
      for (const inner of decodeBatch(frame.payload))
        this.#onFrame(decodeFrame(inner, { maxFrameBytes: 64 * 1024 * 1024, maxNameBytes: 512 }));
      return;
    }
    this.#onFrame(frame);
  }

  /** How many Batch frames arrived. */
  batches = 0;

  #onFrame(frame: Frame): void {
    this.frames.push(frame);
    switch (frame.type) {
      case MessageType.AuthResult:
        this.userId = decodeAuthResult(frame.payload).userId;
        break;
      case MessageType.Subscription: {
        const s = decodeSubscription(frame.payload);
        this.subscriptions.set(frame.docName, s);
        if (s.status === 'granted') {
          const doc = this.doc(frame.docName);
          this.sendFrame({
            docName: frame.docName,
            type: MessageType.Sync,
            payload: syncPayload(SyncStep.Step1, Y.encodeStateVector(doc)),
          });
        }
        break;
      }
      case MessageType.Sync: {
        const doc = this.doc(frame.docName);
        const decoder = decoding.createDecoder(frame.payload);
        const step = decoding.readVarUint(decoder);
        const body = decoding.readVarUint8Array(decoder);
        if (step === SyncStep.Step1) {
          this.sendFrame({
            docName: frame.docName,
            type: MessageType.Sync,
            payload: syncPayload(SyncStep.Step2, Y.encodeStateAsUpdate(doc, body)),
          });
        } else {
          Y.applyUpdate(doc, body, 'remote');
          if (step === SyncStep.Step2) this.#synced.add(frame.docName);
        }
        break;
      }
      case MessageType.Revoke:
        this.revoked.set(frame.docName, decodeCode(frame.payload));
        break;
      case MessageType.Reset:
        this.resets.set(frame.docName, decodeCode(frame.payload));
        break;
      case MessageType.Error:
        this.errors.push(decodeCode(frame.payload));
        break;
    }
    this.onFrame?.(frame);
    this.#notify();
  }
}

export const syncPayload = (step: number, body: Uint8Array): Uint8Array => {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, step);
  encoding.writeVarUint8Array(e, body);
  return encoding.toUint8Array(e);
};
