/**
 * One bench client connection, the same shape for every server kind: it joins one thread (or
 * doc, or room), counts frames and bytes, reports message markers it sees (scan mode) or applies
 * updates to real Y.Docs (doc mode), and can send chat messages, typing and receipts.
 */
import type * as Y from 'yjs';
import type { Found } from '../lib/message.ts';

export type ServerKind = 'parley' | 'yws' | 'hocuspocus' | 'raw';

export interface ConnStats {
  /** Protocol frames (a Parley Batch counts each frame inside it). */
  frames: number;
  /** WebSocket messages: one per socket write of the server, at most. */
  messages: number;
  awarenessFrames: number;
  bytes: number;
}

export interface ConnOptions {
  /** http://127.0.0.1:port */
  readonly url: string;
  readonly threadId: string;
  readonly member: string;
  /** scan: find markers in raw bytes (cheap receivers); doc: apply updates to Y.Docs. */
  readonly mode: 'scan' | 'doc';
  /** Called with the markers of each received frame (scan mode). */
  readonly onMarkers?: (found: Found[]) => void;
  /** Parley: also subscribe the user doc so this connection can send intents. */
  readonly sender?: boolean;
  /** Doc mode: a doc to start from (its state vector is sent), keyed by doc name. */
  readonly initial?: ReadonlyMap<string, Y.Doc>;
  /** Parley: docs subscribed right behind the Auth frame, as the SDK does on reconnect. */
  readonly early?: readonly string[];
}

export interface BenchConn {
  readonly member: string;
  readonly stats: ConnStats;
  /** Doc mode: the docs held, by name (one-doc kinds: the thread's name). */
  readonly docs: Map<string, Y.Doc>;
  sendMessage(id: string, content: string): void;
  sendTyping(): void;
  sendReceipt(messageId: string): void;
  close(): void;
}
