import { readPages, timeOrderedId } from '@parley/model';
import { ParleyError } from '@parley/protocol';
import type { Core } from './core.ts';
import { userIdOf } from './identifiers.ts';
import {
  threadMessages,
  threadParticipants,
  threadProperties,
  threadReceipts,
  visiblePages,
} from './localView.ts';
import { paged, pagedList } from './paging.ts';
import { screenParticipants } from './participants.ts';
import type {
  AddChatParticipantsResult,
  AddParticipantsRequest,
  ChatMessage,
  ChatMessageReadReceipt,
  ChatParticipant,
  ChatThreadProperties,
  CommunicationIdentifier,
  ListMessagesOptions,
  ListParticipantsOptions,
  ListReadReceiptsOptions,
  MessageStatus,
  PagedAsyncIterableIterator,
  SendChatMessageResult,
  SendMessageOptions,
  SendMessageRequest,
  SendReadReceiptRequest,
  SendTypingNotificationOptions,
  UpdateChatThreadPropertiesOptions,
  UpdateMessageOptions,
} from './types.ts';

/**
 * ACS's `ChatThreadClient`, offline first: writes record an intent and return at once; reads
 * answer from local docs (older pages are fetched when a read reaches them, when online).
 *
 * @example
 * const thread = chatClient.getChatThreadClient(threadId);
 * const { id } = await thread.sendMessage({ content: 'Hello' }, { priority: 'high' });
 * for await (const m of thread.listMessages()) console.log(m.sequenceId, m.status, m.content?.message);
 */
export class ChatThreadClient {
  readonly threadId: string;
  readonly #core: Core;

  /** Use `ChatClient.getChatThreadClient(threadId)`. */
  constructor(core: Core, threadId: string) {
    this.#core = core;
    this.threadId = threadId;
  }

  async getProperties(): Promise<ChatThreadProperties> {
    await this.#core.head(this.threadId);
    if (this.#core.isDeleted(this.threadId))
      throw new ParleyError('THREAD_DELETED', `Thread ${this.threadId} was deleted.`);
    const props = threadProperties(this.#core.view(), this.threadId);
    if (!props)
      throw new ParleyError('THREAD_NOT_FOUND', `Thread ${this.threadId} is not known to this client.`);
    return props;
  }

  async updateTopic(topic: string): Promise<void> {
    await this.#core.write({ type: 'updateThread', threadId: this.threadId, topic });
  }

  async updateProperties(options: UpdateChatThreadPropertiesOptions = {}): Promise<void> {
    await this.#core.write({
      type: 'updateThread',
      threadId: this.threadId,
      ...(options.topic !== undefined ? { topic: options.topic } : {}),
      ...(options.metadata !== undefined ? { metadata: { ...options.metadata } } : {}),
    });
  }

  /** Returns the new message's id at once; the message is `pending` until the relay numbers it. */
  async sendMessage(
    request: SendMessageRequest,
    options: SendMessageOptions = {},
  ): Promise<SendChatMessageResult> {
    const messageId = timeOrderedId();
    const senderDisplayName = options.senderDisplayName ?? this.#core.displayName;
    await this.#core.write({
      type: 'sendMessage',
      threadId: this.threadId,
      messageId,
      content: request.content,
      messageType: options.type ?? 'text',
      ...(senderDisplayName !== undefined ? { senderDisplayName } : {}),
      ...(options.metadata ? { metadata: { ...options.metadata } } : {}),
      ...(options.priority ? { priority: options.priority } : {}),
    });
    this.#core.presence.resetTypingClock(this.threadId);
    return { id: messageId };
  }

  async getMessage(messageId: string): Promise<ChatMessage> {
    this.#core.openThread(this.threadId);
    for await (const m of this.listMessages()) if (m.id === messageId) return m;
    throw new ParleyError('MESSAGE_NOT_FOUND', `Message ${messageId} is not in thread ${this.threadId}.`);
  }

  /** Newest first; pending and failed messages of this user come first. */
  listMessages(options: ListMessagesOptions = {}): PagedAsyncIterableIterator<ChatMessage> {
    this.#core.openThread(this.threadId);
    const stream = this.#messages(options.startTime);
    const buffer: ChatMessage[] = [];
    let consumed = 0;
    let done = false;
    const fill = async (upTo: number) => {
      while (!done && buffer.length < upTo) {
        const next = await stream.next();
        if (next.done) done = true;
        else buffer.push(next.value);
      }
    };
    return paged(async (token, size) => {
      const start = token === undefined ? consumed : Number(token);
      await fill(start + size + 1);
      const items = buffer.slice(start, start + size);
      consumed = start + items.length;
      const more = buffer.length > consumed || !done;
      return { items, continuationToken: more && items.length > 0 ? String(consumed) : undefined };
    }, options.maxPageSize ?? 100);
  }

  async *#messages(startTime: Date | undefined): AsyncGenerator<ChatMessage> {
    const core = this.#core;
    const head = await core.head(this.threadId);
    const pages = visiblePages(core.view(), this.threadId);
    const firstSeq = new Map(head ? readPages(head).map((p) => [p.page, p.firstSeq]) : []);
    const yielded = new Set<string>();
    const loaded: number[] = [];
    const after = startTime?.getTime();
    const rounds = pages.length === 0 ? [undefined] : pages;
    for (let k = 0; k < rounds.length; k++) {
      const page = rounds[k];
      if (page !== undefined) {
        await core.page(this.threadId, page);
        loaded.push(page);
      }
      const last = k === rounds.length - 1;
      const boundary = last || page === undefined ? Number.NEGATIVE_INFINITY : (firstSeq.get(page) ?? 0);
      let older = false;
      for (const m of threadMessages(core.view(), this.threadId, loaded)) {
        if (yielded.has(m.id)) continue;
        if (m.sequenceId !== '' && Number(m.sequenceId) < boundary) continue;
        yielded.add(m.id);
        if (after !== undefined && m.createdOn.getTime() < after) {
          older = true;
          continue;
        }
        yield m;
      }
      if (older) return;
    }
  }

  async updateMessage(messageId: string, options: UpdateMessageOptions = {}): Promise<void> {
    await this.#core.write({
      type: 'editMessage',
      threadId: this.threadId,
      messageId,
      ...(options.content !== undefined ? { content: options.content } : {}),
      ...(options.metadata !== undefined ? { metadata: { ...options.metadata } } : {}),
    });
  }

  async deleteMessage(messageId: string): Promise<void> {
    await this.#core.write({ type: 'deleteMessage', threadId: this.threadId, messageId });
  }

  async addParticipants(request: AddParticipantsRequest): Promise<AddChatParticipantsResult> {
    const { inputs, invalid } = screenParticipants(request.participants);
    if (inputs.length > 0)
      await this.#core.write({ type: 'addParticipants', threadId: this.threadId, participants: inputs });
    return invalid.length > 0 ? { invalidParticipants: invalid } : {};
  }

  listParticipants(options: ListParticipantsOptions = {}): PagedAsyncIterableIterator<ChatParticipant> {
    return pagedList(async () => {
      await this.#core.head(this.threadId);
      return threadParticipants(this.#core.view(), this.threadId);
    }, options);
  }

  async removeParticipant(participant: CommunicationIdentifier): Promise<void> {
    await this.#core.write({
      type: 'removeParticipant',
      threadId: this.threadId,
      userId: userIdOf(participant),
    });
  }

  /** ACS semantics: `false` within `typingIntervalMs` of the last one sent (and, in Parley, when offline). */
  async sendTypingNotification(options: SendTypingNotificationOptions = {}): Promise<boolean> {
    if (!(await this.#core.headLive(this.threadId))) return false;
    return this.#core.presence.sendTyping(
      this.threadId,
      options.senderDisplayName ?? this.#core.displayName,
      this.#core.online,
    );
  }

  /** Moves this user's read high-water mark: live over awareness, persisted through an intent. */
  async sendReadReceipt(request: SendReadReceiptRequest): Promise<void> {
    const message = await this.getMessage(request.chatMessageId).catch(() => undefined);
    await this.#core.write({
      type: 'sendReadReceipt',
      threadId: this.threadId,
      messageId: request.chatMessageId,
    });
    const seq = message?.sequenceId ? Number(message.sequenceId) : 0;
    this.#core.presence.sendRead(this.threadId, { messageId: request.chatMessageId, seq }, this.#core.userId);
  }

  listReadReceipts(
    options: ListReadReceiptsOptions = {},
  ): PagedAsyncIterableIterator<ChatMessageReadReceipt> {
    return pagedList(async () => {
      await this.#core.head(this.threadId);
      return threadReceipts(
        this.#core.view(),
        this.threadId,
        this.#core.presence.liveReceipts(this.threadId),
      );
    }, options);
  }

  // ---- Parley extensions ------------------------------------------------------------------------

  /**
   * Where a message of this thread stands on this client (undefined when unknown). A sent
   * message's settled intent leaves the user doc after a while (`pruneSettledAfterMs`); it is
   * then 'sent' by this device's log of pruned sends, or while a page holding it is in memory.
   */
  status(
    messageId: string,
  ): { status: MessageStatus; error?: { code: string; message: string } } | undefined {
    const s = this.#core.view().ops.sendOf(this.threadId, messageId);
    if (s) return s.error ? { status: s.status, error: s.error } : { status: s.status };
    return this.#core.sentMessage(messageId, this.threadId) ? { status: 'sent' } : undefined;
  }

  /** Sends a failed message again with the same id (a new intent). */
  async retry(messageId: string): Promise<void> {
    const s = this.#core.view().ops.sendOf(this.threadId, messageId);
    if (s?.envelope.op.type !== 'sendMessage')
      throw new ParleyError('MESSAGE_NOT_FOUND', `No send of ${messageId}.`);
    if (s.status !== 'failed') return;
    await this.#core.write({ ...s.envelope.op });
  }

  /**
   * Hides a failed message (pending ones are still on their way); the relay is not asked. A
   * failed send made on this device then leaves the user doc, so the user's other devices stop
   * showing it too; one made on another device stays hidden on this client only.
   */
  async discard(messageId: string): Promise<void> {
    const ops = this.#core
      .view()
      .ops.forThread(this.threadId)
      .filter(
        (s) =>
          s.envelope.op.type === 'sendMessage' &&
          s.envelope.op.messageId === messageId &&
          s.status === 'failed',
      );
    await this.#core.discard(ops.map((s) => s.envelope.id));
  }
}
