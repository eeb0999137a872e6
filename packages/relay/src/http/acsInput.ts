import { isUserId, type Metadata, type ParticipantInput, type Priority } from '@parley/model';
import { ParleyError } from '@parley/protocol';

/**
 * ACS REST request bodies → Parley intents' fields. Every check names the offending field and
 * throws INVALID_REQUEST; limits that belong to policy (sizes, batch caps) stay with the op processor.
 */

const invalid = (field: string, why: string): ParleyError =>
  new ParleyError('INVALID_REQUEST', `${field} ${why}.`, { target: field });

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The Parley user id named by an ACS `CommunicationIdentifierModel`: `communicationUser.id`, else
 * `rawId`. (SDK-shaped `{communicationUserId}` is accepted too.)
 *
 * @example
 * userIdFromIdentifier({ rawId: 'bob', communicationUser: { id: 'bob' } }, 'participant') // 'bob'
 */
export const userIdFromIdentifier = (value: unknown, field: string): string => {
  if (!isObject(value)) throw invalid(field, 'must be a communication identifier object');
  const user = value.communicationUser;
  const candidate = isObject(user)
    ? user.id
    : typeof value.communicationUserId === 'string'
      ? value.communicationUserId
      : value.rawId;
  if (candidate === undefined) throw invalid(field, 'has neither communicationUser.id nor rawId');
  if (!isUserId(candidate)) throw invalid(field, 'is not a valid user id');
  return candidate;
};

export const optionalString = (value: unknown, field: string): string | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(field, 'must be a string');
  return value;
};

export const requiredString = (value: unknown, field: string): string => {
  if (typeof value !== 'string') throw invalid(field, 'is required and must be a string');
  return value;
};

export const optionalMetadata = (value: unknown, field: string): Metadata | undefined => {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalid(field, 'must be an object of strings');
  const out: Metadata = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw invalid(`${field}.${key}`, 'must be a string');
    out[key] = v;
  }
  return out;
};

/** An RFC 3339 time, normalised to ISO 8601 with milliseconds (what the relay stores). */
export const optionalTime = (value: unknown, field: string): string | undefined => {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw invalid(field, 'must be an RFC 3339 date-time string');
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw invalid(field, 'must be an RFC 3339 date-time string');
  return new Date(ms).toISOString();
};

const participantInput = (value: unknown, field: string): ParticipantInput => {
  if (!isObject(value)) throw invalid(field, 'must be a ChatParticipant object');
  const id = userIdFromIdentifier(value.communicationIdentifier, `${field}.communicationIdentifier`);
  const displayName = optionalString(value.displayName, `${field}.displayName`);
  const shareHistoryTime = optionalTime(value.shareHistoryTime, `${field}.shareHistoryTime`);
  const metadata = optionalMetadata(value.metadata, `${field}.metadata`);
  return {
    id,
    ...(displayName !== undefined ? { displayName } : {}),
    ...(shareHistoryTime !== undefined ? { shareHistoryTime } : {}),
    ...(metadata !== undefined ? { metadata } : {}),
  };
};

/** `participants: ChatParticipant[]`; absent is `[]` unless `required`. */
export const participantsInput = (value: unknown, field: string, required = false): ParticipantInput[] => {
  if (value === undefined || value === null) {
    if (required) throw invalid(field, 'is required');
    return [];
  }
  if (!Array.isArray(value)) throw invalid(field, 'must be an array of ChatParticipant');
  return value.map((p, i) => participantInput(p, `${field}[${i}]`));
};

/** ACS `ChatMessageType` for user messages: `text` (default) or `html`. */
export const messageTypeInput = (value: unknown): 'text' | 'html' => {
  if (value === undefined || value === null) return 'text';
  const type = typeof value === 'string' ? value.toLowerCase() : value;
  if (type === 'text' || type === 'html') return type;
  throw invalid('type', 'must be "text" or "html"');
};

/** Parley extra `priority`: `normal` or `high` (ACS's old `Normal`/`High` spelling accepted). */
export const priorityInput = (value: unknown): Priority | undefined => {
  if (value === undefined || value === null) return undefined;
  const priority = typeof value === 'string' ? value.toLowerCase() : value;
  if (priority === 'normal' || priority === 'high') return priority;
  throw invalid('priority', 'must be "normal" or "high"');
};
