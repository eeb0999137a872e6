/**
 * The ACS chat event types a webhook can subscribe to (Event Grid's `Microsoft.Communication.*`
 * names). User-level events go once per recipient; thread-level events once per thread.
 */
export const userLevelEventTypes = [
  'ChatMessageReceived',
  'ChatMessageEdited',
  'ChatMessageDeleted',
  'ChatThreadCreatedWithUser',
  'ChatThreadWithUserDeleted',
  'ChatThreadPropertiesUpdatedPerUser',
  'ChatParticipantAddedToThreadWithUser',
  'ChatParticipantRemovedFromThreadWithUser',
] as const;

export const threadLevelEventTypes = [
  'ChatThreadCreated',
  'ChatThreadDeleted',
  'ChatThreadPropertiesUpdated',
  'ChatThreadParticipantAdded',
  'ChatThreadParticipantRemoved',
  'ChatMessageReceivedInThread',
  'ChatMessageEditedInThread',
  'ChatMessageDeletedInThread',
] as const;

/** A short ACS chat event type name, e.g. `ChatMessageReceived`. */
export type ChatEventType = (typeof userLevelEventTypes)[number] | (typeof threadLevelEventTypes)[number];

/** Every chat event type, user-level first. */
export const chatEventTypes: readonly ChatEventType[] = [...userLevelEventTypes, ...threadLevelEventTypes];

/** The prefix of the CloudEvents `type`: `Microsoft.Communication.ChatMessageReceived`. */
export const EVENT_TYPE_PREFIX = 'Microsoft.Communication.';

/**
 * Accepts a short or a full (`Microsoft.Communication.…`) name; undefined when unknown.
 *
 * @example
 * chatEventTypeOf('Microsoft.Communication.ChatMessageReceived') // 'ChatMessageReceived'
 */
export const chatEventTypeOf = (name: string): ChatEventType | undefined => {
  const short = name.startsWith(EVENT_TYPE_PREFIX) ? name.slice(EVENT_TYPE_PREFIX.length) : name;
  return (chatEventTypes as readonly string[]).includes(short) ? (short as ChatEventType) : undefined;
};
