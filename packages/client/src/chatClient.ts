import { newThreadId } from '@parley/model';
import { ParleyError } from '@parley/protocol';
import { ChatThreadClient } from './chatThreadClient.ts';
import { type Core, createCore } from './core.ts';
import type { ChatClientOptions } from './options.ts';
import { acsDataEvents, type ChatEventId, type ChatEventMap } from './eventTypes.ts';
import { userKind } from './identifiers.ts';
import { threadItems, threadProperties } from './localView.ts';
import { pagedList } from './paging.ts';
import { screenParticipants } from './participants.ts';
import type {
  ChatThreadItem,
  CreateChatThreadOptions,
  CreateChatThreadRequest,
  CreateChatThreadResult,
  ListChatThreadsOptions,
  MessageStatus,
  PagedAsyncIterableIterator,
} from './types.ts';

/**
 * ACS's `ChatClient` on Parley: local-first, one WebSocket to the relay, real-time events in Node
 * and browsers.
 *
 * @example
 * const chat = createChatClient({ url, token, storage: createMemoryStorage(), WebSocket });
 * const { chatThread } = await chat.createChatThread({ topic: 'Hello' }, { participants });
 */
export class ChatClient {
  readonly #core: Core;

  /** Use `createChatClient(options)`. */
  constructor(options: ChatClientOptions) {
    this.#core = createCore(options);
  }

  /** The authenticated (or configured) user id; `''` until known. */
  get userId(): string {
    return this.#core.userId;
  }

  /** Whether the relay connection is up. */
  get isConnected(): boolean {
    return this.#core.online;
  }

  /** Resolves when local state is loaded (device id, user doc, thread heads). */
  ready(): Promise<void> {
    return this.#core.ready;
  }

  getChatThreadClient(threadId: string): ChatThreadClient {
    return new ChatThreadClient(this.#core, threadId);
  }

  /** Returns at once with the new thread; members see it once the relay applies the intent. */
  async createChatThread(
    request: CreateChatThreadRequest,
    options: CreateChatThreadOptions = {},
  ): Promise<CreateChatThreadResult> {
    const { inputs, invalid } = screenParticipants(options.participants ?? []);
    // ACS's idempotencyToken: the same token on this store answers with the thread it made.
    const tokenKey = options.idempotencyToken ? `idem:${options.idempotencyToken}` : undefined;
    const earlier = tokenKey ? await this.#core.meta.get(tokenKey) : undefined;
    if (earlier) {
      await this.#core.ready;
      const props = threadProperties(this.#core.view(), earlier);
      if (props)
        return { chatThread: props, ...(invalid.length > 0 ? { invalidParticipants: invalid } : {}) };
    }
    const threadId = newThreadId();
    if (tokenKey) await this.#core.meta.set(tokenKey, threadId);
    const env = await this.#core.write({
      type: 'createThread',
      threadId,
      topic: request.topic,
      participants: inputs,
      ...(options.metadata ? { metadata: { ...options.metadata } } : {}),
    });
    return {
      chatThread: {
        id: threadId,
        topic: request.topic,
        createdOn: new Date(env.createdOn),
        createdBy: userKind(this.#core.userId),
        ...(options.metadata ? { metadata: { ...options.metadata } } : {}),
      },
      ...(invalid.length > 0 ? { invalidParticipants: invalid } : {}),
    };
  }

  listChatThreads(options: ListChatThreadsOptions = {}): PagedAsyncIterableIterator<ChatThreadItem> {
    return pagedList(
      async () => {
        await this.#core.ready;
        const after = options.startTime?.getTime();
        const items = threadItems(this.#core.view());
        return after === undefined
          ? items
          : items.filter((i) => (i.lastMessageReceivedOn?.getTime() ?? Number.POSITIVE_INFINITY) >= after);
      },
      options.maxPageSize !== undefined ? { maxPageSize: options.maxPageSize } : {},
    );
  }

  async deleteChatThread(threadId: string): Promise<void> {
    await this.#core.write({ type: 'deleteThread', threadId });
  }

  /** Idempotent. Subscribes every thread's current page so that events cover all threads. */
  async startRealtimeNotifications(): Promise<void> {
    await this.#core.startRealtime();
  }

  /** As in ACS, this also removes every listener. Local sync keeps running; see `disconnect()`. */
  async stopRealtimeNotifications(): Promise<void> {
    this.#core.stopRealtime();
  }

  /**
   * Subscribes to an event. As in ACS, the chat events need `startRealtimeNotifications()` first;
   * the connection events and Parley's own events (`messageStatusChanged`, `intentSettled`,
   * `syncStateChanged`) do not.
   */
  on<K extends ChatEventId>(event: K, listener: (payload: ChatEventMap[K]) => void): void {
    if (acsDataEvents.includes(event) && !this.#core.realtime)
      throw new Error('You must call startRealtimeNotifications before you can subscribe to events.');
    this.#core.emitter.on(event, listener);
  }

  off<K extends ChatEventId>(event: K, listener: (payload: ChatEventMap[K]) => void): void {
    this.#core.emitter.off(event, listener);
  }

  // ---- Parley extensions ------------------------------------------------------------------------

  /**
   * Where a message stands on this client, looked up in every thread; `sequenceId` once the relay
   * accepted it (kept even after the thread's local copy is gone, e.g. when the user left). A sent
   * message's settled intent leaves the user doc after a while (`pruneSettledAfterMs`); its status
   * then comes from this device's log of the last 2,000 such sends, or from a page it holds.
   */
  status(messageId: string):
    | {
        threadId: string;
        status: MessageStatus;
        sequenceId?: string;
        error?: { code: string; message: string };
      }
    | undefined {
    const ops = this.#core.view().ops;
    for (const s of [...ops.all].reverse()) {
      const op = s.envelope.op;
      if (op.type !== 'sendMessage' || op.messageId !== messageId) continue;
      const latest = ops.sendOf(op.threadId, messageId) ?? s;
      const seq = latest.result?.status === 'accepted' ? latest.result.seq : undefined;
      return {
        threadId: op.threadId,
        status: latest.status,
        ...(seq !== undefined ? { sequenceId: String(seq) } : {}),
        ...(latest.error ? { error: latest.error } : {}),
      };
    }
    const held = this.#core.sentMessage(messageId);
    return held ? { threadId: held.threadId, status: 'sent', sequenceId: String(held.seq) } : undefined;
  }

  /** Sends a failed message again (same id, new intent). */
  async retry(messageId: string): Promise<void> {
    const found = this.status(messageId);
    if (!found) throw new ParleyError('MESSAGE_NOT_FOUND', `No send of ${messageId} on this client.`);
    await this.getChatThreadClient(found.threadId).retry(messageId);
  }

  /** Hides a failed message (see `ChatThreadClient.discard`). */
  async discard(messageId: string): Promise<void> {
    const found = this.status(messageId);
    if (found) await this.getChatThreadClient(found.threadId).discard(messageId);
  }

  /** Names of the docs loaded in memory now (for debugging and tests). */
  loadedDocs(): string[] {
    return this.#core.docs().names().sort();
  }

  /** Resolves when every intent of this user (all devices) has the relay's result. */
  whenSettled(timeoutMs?: number): Promise<void> {
    return this.#core.whenSettled(timeoutMs);
  }

  /** Goes online (the default after creation unless `autoConnect: false`). */
  connect(): void {
    this.#core.connect();
  }

  /** Goes offline: closes the socket and stops reconnecting; reads and writes keep working. */
  disconnect(): void {
    this.#core.disconnect();
  }

  /** Closes the connection, writes everything to storage and closes the storage. */
  async close(): Promise<void> {
    await this.#core.close();
  }
}

/**
 * Creates a chat client. Everything ACS's `ChatClient` does, plus offline use and Parley's events.
 *
 * @example
 * import WebSocket from 'ws';
 * const chat = createChatClient({
 *   url: 'http://127.0.0.1:8080',
 *   token: () => fetchToken(),
 *   storage: fromLocalDocStore(createSqliteLocalStore('./alice.db')),
 *   WebSocket,
 * });
 */
export const createChatClient = (options: ChatClientOptions): ChatClient => new ChatClient(options);
