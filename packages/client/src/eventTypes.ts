import type { DocState } from './docSync.ts';
import type { ChatError, ChatMessagePriority, CommunicationUserKind, MessageStatus } from './types.ts';

/**
 * Real-time event payloads with the fields of `@azure/communication-signaling` (ACS §4), plus
 * Parley's own events. ACS delivers these only in browsers; Parley in browsers and Node.
 */

/** Signaling's participant shape (differs from the REST `ChatParticipant`). */
export interface SignalingChatParticipant {
  id: CommunicationUserKind;
  displayName: string;
  shareHistoryTime?: Date;
  metadata: Record<string, string>;
}

export interface BaseChatEvent {
  threadId: string;
  sender: CommunicationUserKind;
  senderDisplayName: string;
  recipient: CommunicationUserKind;
}

export interface BaseChatMessageEvent extends BaseChatEvent {
  id: string;
  createdOn: Date;
  version: string;
  /** Raw service type as ACS events carry it: `Text` or `RichText/Html`. */
  type: string;
}

export interface ChatMessageReceivedEvent extends BaseChatMessageEvent {
  message: string;
  metadata: Record<string, string>;
  /** Parley extensions. */
  sequenceId: string;
  priority: ChatMessagePriority;
}

export interface ChatMessageEditedEvent extends BaseChatMessageEvent {
  message: string;
  metadata: Record<string, string>;
  editedOn: Date;
}

export interface ChatMessageDeletedEvent extends BaseChatMessageEvent {
  deletedOn: Date;
}

export interface TypingIndicatorReceivedEvent extends BaseChatEvent {
  version: string;
  receivedOn: Date;
}

export interface ReadReceiptReceivedEvent extends BaseChatEvent {
  chatMessageId: string;
  readOn: Date;
}

export interface BaseChatThreadEvent {
  threadId: string;
  version: string;
}

export interface ChatThreadProperties4Event {
  topic: string;
  metadata: Record<string, string>;
}

export interface ChatThreadCreatedEvent extends BaseChatThreadEvent {
  createdOn: Date;
  properties: ChatThreadProperties4Event;
  participants: SignalingChatParticipant[];
  createdBy: SignalingChatParticipant;
}

export interface ChatThreadPropertiesUpdatedEvent extends BaseChatThreadEvent {
  properties: ChatThreadProperties4Event;
  updatedOn: Date;
  updatedBy: SignalingChatParticipant;
}

export interface ChatThreadDeletedEvent extends BaseChatThreadEvent {
  deletedOn: Date;
  deletedBy: SignalingChatParticipant;
  reason: 'deletedByUser' | 'deletedByPolicy';
}

export interface ParticipantsAddedEvent extends BaseChatThreadEvent {
  addedOn: Date;
  participantsAdded: SignalingChatParticipant[];
  addedBy: SignalingChatParticipant;
}

export interface ParticipantsRemovedEvent extends BaseChatThreadEvent {
  removedOn: Date;
  participantsRemoved: SignalingChatParticipant[];
  removedBy: SignalingChatParticipant;
}

/** Parley: a message intent changed state (pending → sent, or → failed with the relay's code). */
export interface MessageStatusChangedEvent {
  threadId: string;
  messageId: string;
  opId: string;
  operation: 'sendMessage' | 'editMessage' | 'deleteMessage';
  status: MessageStatus;
  /** Set once the relay accepted a `sendMessage`. */
  sequenceId?: string;
  error?: ChatError;
}

/** Parley: any intent got its result from the relay. */
export interface IntentSettledEvent {
  opId: string;
  type: string;
  threadId?: string;
  status: 'accepted' | 'rejected';
  error?: ChatError;
  invalidParticipants?: ChatError[];
}

/** Parley: sync state of one doc (`threadId` set for thread docs). */
export interface SyncStateChangedEvent {
  docName: string;
  threadId?: string;
  state: DocState;
}

export interface ChatEventMap {
  chatMessageReceived: ChatMessageReceivedEvent;
  chatMessageEdited: ChatMessageEditedEvent;
  chatMessageDeleted: ChatMessageDeletedEvent;
  typingIndicatorReceived: TypingIndicatorReceivedEvent;
  readReceiptReceived: ReadReceiptReceivedEvent;
  chatThreadCreated: ChatThreadCreatedEvent;
  chatThreadDeleted: ChatThreadDeletedEvent;
  chatThreadPropertiesUpdated: ChatThreadPropertiesUpdatedEvent;
  participantsAdded: ParticipantsAddedEvent;
  participantsRemoved: ParticipantsRemovedEvent;
  realTimeNotificationConnected: undefined;
  realTimeNotificationDisconnected: undefined;
  messageStatusChanged: MessageStatusChangedEvent;
  intentSettled: IntentSettledEvent;
  syncStateChanged: SyncStateChangedEvent;
}

export type ChatEventId = keyof ChatEventMap;

/** Events that ACS lets you subscribe to only after `startRealtimeNotifications()`. */
export const acsDataEvents: readonly ChatEventId[] = [
  'chatMessageReceived',
  'chatMessageEdited',
  'chatMessageDeleted',
  'typingIndicatorReceived',
  'readReceiptReceived',
  'chatThreadCreated',
  'chatThreadDeleted',
  'chatThreadPropertiesUpdated',
  'participantsAdded',
  'participantsRemoved',
];
