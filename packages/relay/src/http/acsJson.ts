import type { MemberRecord, MessageRecord, ParticipantRef, ReceiptRecord, ThreadMeta } from '@parley/model';
import type { ThreadItem } from '../api.ts';

/**
 * Parley records → ACS REST JSON (api-version 2025-03-15). Field names and shapes follow the spec's
 * definitions; `sequenceId` and `version` are strings; Parley's extras (priority, role, replies,
 * reactions) ride along as extra fields that ACS clients ignore.
 */

/** ACS's `CommunicationIdentifierModel` for a Parley user: the user id is both rawId and the ACS user id. */
export interface CommunicationIdentifierJson {
  readonly rawId: string;
  readonly communicationUser: { readonly id: string };
}

export interface ChatParticipantJson {
  readonly communicationIdentifier: CommunicationIdentifierJson;
  readonly displayName?: string;
  readonly shareHistoryTime?: string;
  readonly metadata?: Record<string, string>;
  /** Parley extra: owner / admin / member. */
  readonly role?: string;
}

export interface ChatThreadPropertiesJson {
  readonly id: string;
  readonly topic: string;
  readonly createdOn: string;
  readonly createdByCommunicationIdentifier: CommunicationIdentifierJson;
  readonly deletedOn?: string;
  readonly metadata?: Record<string, string>;
}

export interface ChatThreadItemJson {
  readonly id: string;
  readonly topic: string;
  readonly deletedOn?: string;
  readonly lastMessageReceivedOn?: string;
}

export interface ChatMessageJson {
  readonly id: string;
  readonly type: string;
  readonly sequenceId: string;
  readonly version: string;
  readonly content?: {
    readonly message?: string;
    readonly topic?: string;
    readonly participants?: ChatParticipantJson[];
    readonly initiatorCommunicationIdentifier?: CommunicationIdentifierJson;
  };
  readonly senderDisplayName?: string;
  readonly createdOn: string;
  readonly senderCommunicationIdentifier?: CommunicationIdentifierJson;
  readonly deletedOn?: string;
  readonly editedOn?: string;
  readonly metadata?: Record<string, string>;
  /** Parley extras. */
  readonly priority: string;
  readonly replyTo?: string;
  readonly reactions?: Readonly<Record<string, readonly string[]>>;
}

export interface ChatMessageReadReceiptJson {
  readonly senderCommunicationIdentifier: CommunicationIdentifierJson;
  readonly chatMessageId: string;
  readonly readOn: string;
}

/**
 * @example
 * identifierJson('bob') // { rawId: 'bob', communicationUser: { id: 'bob' } }
 */
export const identifierJson = (userId: string): CommunicationIdentifierJson => ({
  rawId: userId,
  communicationUser: { id: userId },
});

const systemParticipantJson = (
  p: ParticipantRef & { readonly shareHistoryTime?: string },
): ChatParticipantJson => ({
  communicationIdentifier: identifierJson(p.id),
  ...(p.displayName !== undefined ? { displayName: p.displayName } : {}),
  ...(p.shareHistoryTime !== undefined ? { shareHistoryTime: p.shareHistoryTime } : {}),
});

export const participantJson = (member: MemberRecord): ChatParticipantJson => ({
  communicationIdentifier: identifierJson(member.id),
  displayName: member.displayName,
  ...(member.shareHistoryTime !== undefined ? { shareHistoryTime: member.shareHistoryTime } : {}),
  ...(member.metadata !== undefined ? { metadata: { ...member.metadata } } : {}),
  role: member.role,
});

export const threadPropertiesJson = (meta: ThreadMeta): ChatThreadPropertiesJson => ({
  id: meta.id,
  topic: meta.topic,
  createdOn: meta.createdOn,
  createdByCommunicationIdentifier: identifierJson(meta.createdBy),
  ...(meta.deletedOn !== undefined ? { deletedOn: meta.deletedOn } : {}),
  ...(meta.metadata !== undefined ? { metadata: { ...meta.metadata } } : {}),
});

export const threadItemJson = (item: ThreadItem): ChatThreadItemJson => ({
  id: item.id,
  topic: item.topic,
  ...(item.deletedOn !== undefined ? { deletedOn: item.deletedOn } : {}),
  ...(item.lastMessageReceivedOn !== undefined ? { lastMessageReceivedOn: item.lastMessageReceivedOn } : {}),
});

const messageContentJson = (message: MessageRecord): ChatMessageJson['content'] => {
  if (message.type === 'text' || message.type === 'html') return { message: message.content };
  const system = message.system ?? {};
  return {
    ...(system.topic !== undefined ? { topic: system.topic } : {}),
    ...(system.participants !== undefined
      ? { participants: system.participants.map(systemParticipantJson) }
      : {}),
    ...(system.initiator !== undefined
      ? { initiatorCommunicationIdentifier: identifierJson(system.initiator) }
      : {}),
  };
};

export const messageJson = (message: MessageRecord): ChatMessageJson => ({
  id: message.id,
  type: message.type,
  sequenceId: String(message.seq),
  version: String(message.version),
  content: messageContentJson(message),
  ...(message.senderDisplayName !== undefined ? { senderDisplayName: message.senderDisplayName } : {}),
  createdOn: message.createdOn,
  ...(message.sender !== undefined ? { senderCommunicationIdentifier: identifierJson(message.sender) } : {}),
  ...(message.deletedOn !== undefined ? { deletedOn: message.deletedOn } : {}),
  ...(message.editedOn !== undefined ? { editedOn: message.editedOn } : {}),
  ...(message.metadata !== undefined ? { metadata: { ...message.metadata } } : {}),
  priority: message.priority,
  ...(message.replyTo !== undefined ? { replyTo: message.replyTo } : {}),
  ...(message.reactions !== undefined ? { reactions: message.reactions } : {}),
});

export const readReceiptJson = (receipt: ReceiptRecord): ChatMessageReadReceiptJson => ({
  senderCommunicationIdentifier: identifierJson(receipt.userId),
  chatMessageId: receipt.messageId,
  readOn: receipt.readOn,
});
