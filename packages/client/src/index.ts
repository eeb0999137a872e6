export { ChatClient, createChatClient } from './chatClient.ts';
export type { ChatClientOptions } from './options.ts';
export { ChatThreadClient } from './chatThreadClient.ts';
export type { TokenSource, WebSocketConstructor, WebSocketLike } from './connection.ts';
export type { DocState } from './docSync.ts';
export type {
  BaseChatEvent,
  BaseChatMessageEvent,
  BaseChatThreadEvent,
  ChatEventId,
  ChatEventMap,
  ChatMessageDeletedEvent,
  ChatMessageEditedEvent,
  ChatMessageReceivedEvent,
  ChatThreadCreatedEvent,
  ChatThreadDeletedEvent,
  ChatThreadPropertiesUpdatedEvent,
  IntentSettledEvent,
  MessageStatusChangedEvent,
  ParticipantsAddedEvent,
  ParticipantsRemovedEvent,
  ReadReceiptReceivedEvent,
  SignalingChatParticipant,
  SyncStateChangedEvent,
  TypingIndicatorReceivedEvent,
} from './eventTypes.ts';
export { userIdOf, userKind } from './identifiers.ts';
export { type ClientStorage, createMemoryStorage, fromLocalDocStore } from './storage/clientStorage.ts';
export { createIndexedDbStorage, type IndexedDbStorageOptions } from './storage/indexedDbStorage.ts';
export type {
  AddChatParticipantsResult,
  AddParticipantsRequest,
  ChatError,
  ChatMessage,
  ChatMessageContent,
  ChatMessagePriority,
  ChatMessageReadReceipt,
  ChatMessageType,
  ChatParticipant,
  ChatThreadItem,
  ChatThreadProperties,
  CommunicationIdentifier,
  CommunicationUserIdentifier,
  CommunicationUserKind,
  CreateChatThreadOptions,
  CreateChatThreadRequest,
  CreateChatThreadResult,
  ListChatThreadsOptions,
  ListMessagesOptions,
  ListParticipantsOptions,
  ListReadReceiptsOptions,
  MessageStatus,
  PagedAsyncIterableIterator,
  PageSettings,
  SendChatMessageResult,
  SendMessageOptions,
  SendMessageRequest,
  SendReadReceiptRequest,
  SendTypingNotificationOptions,
  UpdateChatThreadPropertiesOptions,
  UpdateMessageOptions,
} from './types.ts';
