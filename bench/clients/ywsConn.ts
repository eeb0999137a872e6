/** A client of the reference y-websocket protocol: one socket per doc at `/<docName>`. */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { type Found, scanMarkers } from '../lib/message.ts';
import type { BenchConn, ConnOptions, ConnStats } from './conn.ts';
import { EMPTY_SV, handleSync, OneDocWriter, writeSync } from './yjsWire.ts';

export class YwsConn implements BenchConn {
  readonly stats: ConnStats = { frames: 0, messages: 0, awarenessFrames: 0, bytes: 0 };
  readonly docs = new Map<string, Y.Doc>();
  readonly member: string;
  #ws: WebSocket;
  #o: ConnOptions;
  #writer: OneDocWriter;
  #synced: (() => void) | undefined;
  #found: Found[] = [];

  private constructor(ws: WebSocket, o: ConnOptions) {
    this.#ws = ws;
    this.#o = o;
    this.member = o.member;
    this.#writer = new OneDocWriter(o.member);
    if (o.mode === 'doc') this.docs.set(o.threadId, o.initial?.get(o.threadId) ?? new Y.Doc());
    ws.on('message', (data: Buffer) => this.#onMessage(data));
  }

  static async connect(o: ConnOptions): Promise<YwsConn> {
    const ws = new WebSocket(`${o.url.replace(/^http/, 'ws')}/${o.threadId}`, { perMessageDeflate: false });
    const c = new YwsConn(ws, o);
    const synced = new Promise<void>((r) => {
      c.#synced = r;
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const doc = c.docs.get(o.threadId);
    ws.send(writeSync(encoding.createEncoder(), 0, doc ? Y.encodeStateVector(doc) : EMPTY_SV));
    await synced;
    return c;
  }

  sendMessage(id: string, content: string): void {
    this.#ws.send(writeSync(encoding.createEncoder(), 2, this.#writer.message(id, content)));
  }

  #awareness(update: Uint8Array): void {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint8Array(e, update);
    this.#ws.send(encoding.toUint8Array(e));
  }

  sendTyping(): void {
    this.#awareness(this.#writer.typing());
  }

  sendReceipt(messageId: string): void {
    this.#awareness(this.#writer.receipt(messageId));
  }

  close(): void {
    this.#writer.close();
    this.#ws.close();
  }

  #onMessage(data: Buffer): void {
    this.stats.bytes += data.length;
    this.stats.messages++;
    this.stats.frames++;
    const d = decoding.createDecoder(data);
    const type = decoding.readVarUint(d);
    if (type === 0) {
      const r = handleSync(d, this.docs.get(this.#o.threadId));
      if (r.reply) this.#ws.send(writeSync(encoding.createEncoder(), 1, r.reply));
      if (r.step2) {
        this.#synced?.();
        this.#synced = undefined;
      }
    } else if (type === 1) this.stats.awarenessFrames++;
    if (this.#o.mode === 'scan' && this.#o.onMarkers) {
      this.#found.length = 0;
      scanMarkers(data, this.#found);
      if (this.#found.length > 0) this.#o.onMarkers(this.#found);
    }
  }
}
