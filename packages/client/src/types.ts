import type { ErrorCode } from '@parley/protocol';

/**
 * ACS-shaped public types (mirroring `@azure/communication-chat` 1.6 and
 * `@azure/communication-common`), plus Parley's additions: `priority` and `status` on messages.
 */

/** ACS `CommunicationUserIdentifier`. Parley user ids are opaque strings (ACS raw ids fit). */
export interface CommunicationUserIdentifier {
  communicationUserId: string;
}

/** ACS `CommunicationUserKind`. */
export interface CommunicationUserKind extends CommunicationUserIdentifier {
  kind: 'communicationUser';
}

/** What Parley accepts where ACS takes a `CommunicationIdentifier`. */
export type CommunicationIdentifier = CommunicationUserIdentifier | { rawId: string } | string;

export type ChatMessageType = 'text' | 'html' | 'topicUpdated' | 'participantAdded' | 'participantRemoved';

/** Parley extension: ACS removed message priority in 2021; Parley keeps it. */
export type ChatMessagePriority = 'normal' | 'high';

/** Parley extension: where a message stands on this client. */
export type MessageStatus = 'pending' | 'sent' | 'failed';

export interface ChatParticipant {
  id: CommunicationIdentifier;
  displayName?: string;
  shareHistoryTime?: Date;
  metadata?: Record<string, string>;
}

export interface ChatMessageContent {
  message?: string;
  topic?: string;
  participants?: ChatParticipant[];
  initiator?: CommunicationUserKind;
}

export interface ChatMessage {
  id: string;
  type: ChatMessageType;
  /** Numeric string; `''` while the message is pending or failed (the relay has not numbered it). */
  sequenceId: string;
  /** Epoch-ms string of the last change. */
  version: string;
  content?: ChatMessageContent;
  senderDisplayName?: string;
  createdOn: Date;
  sender?: CommunicationUserKind;
  deletedOn?: Date;
  editedOn?: Date;
  metadata?: Record<string, string>;
  /** Parley extension. */
  priority: ChatMessagePriority;
  /** Parley extension. */
  status: MessageStatus;
  /** Parley extension: why the relay rejected it (status `failed`). */
  error?: ChatError;
}

export interface ChatError {
  code: ErrorCode | string;
  message: string;
  target?: string;
}

export interface ChatThreadProperties {
  id: string;
  topic: string;
  createdOn: Date;
  createdBy?: CommunicationUserKind;
  deletedOn?: Date;
  metadata?: Record<string, string>;
}

export interface ChatThreadItem {
  id: string;
  topic: string;
  deletedOn?: Date;
  lastMessageReceivedOn?: Date;
  /** Parley extension: messages from others after this user's read receipt. */
  unreadCount?: number;
}

export interface ChatMessageReadReceipt {
  sender: CommunicationUserKind;
  chatMessageId: string;
  readOn: Date;
}

export interface CreateChatThreadRequest {
  topic: string;
}

export interface CreateChatThreadOptions {
  participants?: ChatParticipant[];
  /** Repeating a token on the same store returns the thread the first call made (no second thread). */
  idempotencyToken?: string;
  metadata?: Record<string, string>;
}

export interface CreateChatThreadResult {
  chatThread?: ChatThreadProperties;
  /** Participants the client already knows to be invalid; the relay's verdict arrives in the op result. */
  readonly invalidParticipants?: ChatError[];
}

export interface ListChatThreadsOptions {
  maxPageSize?: number;
  startTime?: Date;
}

export interface UpdateChatThreadPropertiesOptions {
  topic?: string;
  metadata?: Record<string, string>;
}

export interface SendMessageRequest {
  content: string;
}

export interface SendMessageOptions {
  senderDisplayName?: string;
  type?: 'text' | 'html';
  metadata?: Record<string, string>;
  /** Parley extension (default `normal`). */
  priority?: ChatMessagePriority;
}

export interface SendChatMessageResult {
  id: string;
}

export interface ListMessagesOptions {
  maxPageSize?: number;
  startTime?: Date;
}

export interface UpdateMessageOptions {
  content?: string;
  metadata?: Record<string, string>;
}

export interface AddParticipantsRequest {
  participants: ChatParticipant[];
}

export interface AddChatParticipantsResult {
  readonly invalidParticipants?: ChatError[];
}

export interface ListParticipantsOptions {
  maxPageSize?: number;
  skip?: number;
}

export interface ListReadReceiptsOptions {
  maxPageSize?: number;
  skip?: number;
}

export interface SendTypingNotificationOptions {
  senderDisplayName?: string;
}

export interface SendReadReceiptRequest {
  chatMessageId: string;
}

/** ACS `PageSettings`. */
export interface PageSettings {
  continuationToken?: string;
  maxPageSize?: number;
}

/** ACS (core-paging) `PagedAsyncIterableIterator`. */
export interface PagedAsyncIterableIterator<T, PageT = T[]> {
  next(): Promise<IteratorResult<T>>;
  [Symbol.asyncIterator](): PagedAsyncIterableIterator<T, PageT>;
  byPage(settings?: PageSettings): AsyncIterableIterator<PageT & { continuationToken?: string }>;
}
