import type { MessageRecord } from '@parley/model';
import type { Actor } from '../api.ts';
import type { RelaySignals } from '../signals.ts';
import type { ChatEventType } from './eventTypes.ts';

/** ACS's `CommunicationIdentifierModel` for a Parley user id. */
export interface IdentifierModel {
  readonly rawId: string;
  readonly communicationUser: { readonly id: string };
}

/** One ACS chat event before it is wrapped in a CloudEvent: type, thread, subject and data. */
export interface ChatEvent {
  readonly type: ChatEventType;
  readonly threadId: string;
  /** `thread/{threadId}/sender/{rawId}[/recipient/{rawId}]`, as Event Grid writes it. */
  readonly subject: string;
  /** When the change happened (ISO). */
  readonly time: string;
  readonly data: Record<string, unknown>;
}

/** What the builders may look up about a thread (inside the change's transaction). */
export interface ThreadFacts {
  createdOn(threadId: string): string | undefined;
  displayName(threadId: string, userId: string): string | undefined;
}

const id = (userId: string): IdentifierModel => ({ rawId: userId, communicationUser: { id: userId } });

/** Event Grid's message `type` values are capitalised: `Text`, `Html`. */
const messageTypeOf = (type: string): string => type.charAt(0).toUpperCase() + type.slice(1);

const versionOf = (iso: string): number => Date.parse(iso);

type Emit = (event: ChatEvent) => void;

/**
 * Turns relay signals into ACS Event Grid chat events with ACS's data fields: user-level events once
 * per recipient (message events exclude the sender, as ACS does), thread-level once per change.
 * `transactionId` is shared by the events of one change.
 *
 * @example
 * const signals = createAcsEventSignals(facts, () => randomId(), (event) => outbox.push(event));
 * relay.addSignals(signals, { transactional: true });
 */
export const createAcsEventSignals = (
  facts: ThreadFacts,
  newTransactionId: () => string,
  emit: Emit,
): RelaySignals => {
  const subjectOf = (threadId: string, actor: string, recipient?: string) =>
    `thread/${threadId}/sender/${actor}${recipient ? `/recipient/${recipient}` : ''}`;

  const participant = (threadId: string, userId: string, displayName?: string) => {
    const name = displayName ?? facts.displayName(threadId, userId);
    return {
      ...(name !== undefined ? { displayName: name } : {}),
      participantCommunicationIdentifier: id(userId),
    };
  };

  /** One thread-level event plus one user-level event per recipient. */
  const fanOut = (
    e: { threadId: string; actor: Actor; members: readonly string[] },
    time: string,
    inThread: ChatEventType,
    perUser: ChatEventType,
    data: Record<string, unknown>,
    recipients: readonly string[],
  ) => {
    const transactionId = newTransactionId();
    emit({
      type: inThread,
      threadId: e.threadId,
      subject: subjectOf(e.threadId, e.actor.userId),
      time,
      data: { transactionId, threadId: e.threadId, ...data },
    });
    for (const recipient of recipients) {
      emit({
        type: perUser,
        threadId: e.threadId,
        subject: subjectOf(e.threadId, e.actor.userId, recipient),
        time,
        data: {
          recipientCommunicationIdentifier: id(recipient),
          transactionId,
          threadId: e.threadId,
          ...data,
        },
      });
    }
  };

  const messageBase = (m: MessageRecord) => ({
    messageId: m.id,
    senderCommunicationIdentifier: id(m.sender ?? ''),
    ...(m.senderDisplayName !== undefined ? { senderDisplayName: m.senderDisplayName } : {}),
    composeTime: m.createdOn,
    type: messageTypeOf(m.type),
    version: m.version,
    priority: m.priority,
  });

  const notSender = (members: readonly string[], sender: string) => members.filter((u) => u !== sender);

  const threadBase = (threadId: string, at: string) => ({
    createTime: facts.createdOn(threadId) ?? at,
    version: versionOf(at),
  });

  return {
    messageSent: (e) =>
      fanOut(
        e,
        e.message.createdOn,
        'ChatMessageReceivedInThread',
        'ChatMessageReceived',
        { ...messageBase(e.message), messageBody: e.message.content, metadata: e.message.metadata ?? {} },
        notSender(e.members, e.actor.userId),
      ),
    messageEdited: (e) => {
      const editTime = e.message.editedOn ?? e.message.createdOn;
      fanOut(
        e,
        editTime,
        'ChatMessageEditedInThread',
        'ChatMessageEdited',
        {
          ...messageBase(e.message),
          messageBody: e.message.content,
          metadata: e.message.metadata ?? {},
          editTime,
        },
        notSender(e.members, e.actor.userId),
      );
    },
    messageDeleted: (e) => {
      const deleteTime = e.message.deletedOn ?? e.message.createdOn;
      fanOut(
        e,
        deleteTime,
        'ChatMessageDeletedInThread',
        'ChatMessageDeleted',
        { ...messageBase(e.message), deleteTime },
        notSender(e.members, e.actor.userId),
      );
    },
    threadCreated: (e) =>
      fanOut(
        e,
        e.at,
        'ChatThreadCreated',
        'ChatThreadCreatedWithUser',
        {
          ...threadBase(e.threadId, e.at),
          createdByCommunicationIdentifier: id(e.actor.userId),
          properties: { topic: e.topic },
          participants: e.members.map((u) => participant(e.threadId, u)),
        },
        e.members,
      ),
    threadUpdated: (e) =>
      fanOut(
        e,
        e.at,
        'ChatThreadPropertiesUpdated',
        'ChatThreadPropertiesUpdatedPerUser',
        {
          ...threadBase(e.threadId, e.at),
          editedByCommunicationIdentifier: id(e.actor.userId),
          editTime: e.at,
          properties: e.topic !== undefined ? { topic: e.topic } : {},
          metadata: e.metadata ?? {},
        },
        e.members,
      ),
    threadDeleted: (e) =>
      fanOut(
        e,
        e.at,
        'ChatThreadDeleted',
        'ChatThreadWithUserDeleted',
        {
          ...threadBase(e.threadId, e.at),
          deletedByCommunicationIdentifier: id(e.actor.userId),
          deleteTime: e.at,
        },
        e.members,
      ),
    participantsAdded: (e) => {
      for (const added of e.added)
        fanOut(
          e,
          e.at,
          'ChatThreadParticipantAdded',
          'ChatParticipantAddedToThreadWithUser',
          {
            ...threadBase(e.threadId, e.at),
            time: e.at,
            addedByCommunicationIdentifier: id(e.actor.userId),
            participantAdded: participant(e.threadId, added.id, added.displayName),
          },
          e.members,
        );
    },
    participantRemoved: (e) =>
      fanOut(
        e,
        e.at,
        'ChatThreadParticipantRemoved',
        'ChatParticipantRemovedFromThreadWithUser',
        {
          ...threadBase(e.threadId, e.at),
          time: e.at,
          removedByCommunicationIdentifier: id(e.actor.userId),
          participantRemoved: participant(e.threadId, e.removed),
        },
        e.members,
      ),
  };
};
