/** A client of the raw JSON relay: sends `{id, sender, content}`, receives JSON arrays. */
import WebSocket from 'ws';
import type * as Y from 'yjs';
import { type Found, scanMarkers } from '../lib/message.ts';
import type { BenchConn, ConnOptions, ConnStats } from './conn.ts';

export class RawConn implements BenchConn {
  readonly stats: ConnStats = { frames: 0, messages: 0, awarenessFrames: 0, bytes: 0 };
  readonly docs = new Map<string, Y.Doc>();
  readonly member: string;
  #ws: WebSocket;
  #o: ConnOptions;
  #found: Found[] = [];

  private constructor(ws: WebSocket, o: ConnOptions) {
    this.#ws = ws;
    this.#o = o;
    this.member = o.member;
  }

  static async connect(o: ConnOptions): Promise<RawConn> {
    const ws = new WebSocket(`${o.url.replace(/^http/, 'ws')}/${o.threadId}`, { perMessageDeflate: false });
    const c = new RawConn(ws, o);
    await new Promise<void>((resolve, reject) => {
      ws.once('message', () => resolve());
      ws.once('error', reject);
    });
    ws.on('message', (data: Buffer) => c.#onMessage(data));
    return c;
  }

  sendMessage(id: string, content: string): void {
    this.#ws.send(JSON.stringify({ id, sender: this.member, content, createdOn: new Date().toISOString() }));
  }

  sendTyping(): void {
    this.#ws.send(JSON.stringify({ id: `typing-${this.member}`, typing: { at: Date.now() } }));
  }

  sendReceipt(messageId: string): void {
    this.#ws.send(JSON.stringify({ id: `read-${this.member}`, read: { messageId, at: Date.now() } }));
  }

  close(): void {
    this.#ws.close();
  }

  #onMessage(data: Buffer): void {
    this.stats.bytes += data.length;
    this.stats.messages++;
    this.stats.frames++;
    if (this.#o.mode === 'scan' && this.#o.onMarkers) {
      this.#found.length = 0;
      scanMarkers(data, this.#found);
      if (this.#found.length > 0) this.#o.onMarkers(this.#found);
    }
  }
}
