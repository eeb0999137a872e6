import type { TokenSource, WebSocketConstructor } from './connection.ts';
import type { ClientStorage } from './storage/clientStorage.ts';

/** Options of `createChatClient`. */
export interface ChatClientOptions {
  /** Relay base URL, e.g. `https://chat.example.com` (the client connects to `/v1/sync`). */
  readonly url: string;
  /** A token, or a callback that returns a fresh one (called on every connect and before expiry). */
  readonly token: TokenSource;
  /** The local store: `fromLocalDocStore(createSqliteLocalStore(path))`, `createIndexedDbStorage(name)`, ... */
  readonly storage: ClientStorage;
  /** Display name used on messages and typing notifications (default: the token's). */
  readonly displayName?: string;
  /** The user id, so that a client that has never been online can record intents (default: from the token, remembered). */
  readonly userId?: string;
  /** WebSocket constructor (default `globalThis.WebSocket`; in Node 20 pass `ws`'s). */
  readonly WebSocket?: WebSocketConstructor;
  /** ACS's minimum interval between typing notifications (default 8000 ms). */
  readonly typingIntervalMs?: number;
  /** Connect at once (default true); with false, call `connect()`. */
  readonly autoConnect?: boolean;
  /** Reconnect backoff bounds (defaults 200 ms and 10 s). */
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Older pages not read for this long are unloaded from memory (default 60 000 ms); they stay stored. */
  readonly idlePageMs?: number;
  /**
   * This device's settled intents leave the user doc (the relay then drops their results): an
   * accepted one this long after its result arrived (default 5000 ms), once the message it is
   * about is in a page held in memory; failed ones when discarded.
   */
  readonly pruneSettledAfterMs?: number;
  /** An accepted intent about a message this client does not hold goes after this long (default 10 min). */
  readonly pruneUnheldAfterMs?: number;
}
