/**
 * Size and shape limits of Parley, taken from ACS Chat's published service limits where ACS has
 * one (see /work/shared/reference/acs-chat-api.md §5.1). Both the client (to fail fast, offline)
 * and the relay (to decide) check input against this one object through `validateOp`.
 *
 * Lengths called "characters" count Unicode code points, so an emoji counts once however many
 * UTF-16 units it takes. Sizes called "bytes" count UTF-8 bytes.
 *
 * @example
 * import { limits } from '@parley/model';
 * if (new TextEncoder().encode(text).length > limits.maxContentBytes) showTooLong();
 */
export const limits = {
  /** Message content: ACS's "approximately 28 KB", taken as 28 × 1024 bytes of UTF-8. */
  maxContentBytes: 28 * 1024,
  /** Message metadata: UTF-8 bytes of `JSON.stringify(metadata)` (ACS documents no message limit; 1 KB like the others). */
  maxMessageMetadataBytes: 1024,
  /** Thread metadata, same measure (ACS REST spec: "up to 1KB"). */
  maxThreadMetadataBytes: 1024,
  /** Participant metadata, same measure (ACS REST spec: "up to 1KB"). */
  maxParticipantMetadataBytes: 1024,
  /** Members of one thread (ACS: 250). Checked by the relay, which knows the current count. */
  maxMembers: 250,
  /** Participants in one createThread / addParticipants batch (ACS: 200). */
  maxParticipantsPerBatch: 200,
  /**
   * Topic length in characters. ACS publishes no topic limit; Parley picks 256 so that topics stay
   * a line of UI and a small field in every membership record.
   */
  maxTopicChars: 256,
  /** Display names (participant and sender), in characters. */
  maxDisplayNameChars: 256,
  /** Reaction emoji, in characters (a long ZWJ family sequence is 7–11 code points). */
  maxEmojiChars: 32,
  /** Client-made message ids: the safe alphabet, 8..64 characters. */
  messageIdPattern: /^[A-Za-z0-9_-]{8,64}$/,
  /** Client-made op ids: same as message ids. */
  opIdPattern: /^[A-Za-z0-9_-]{8,64}$/,
  /** Device ids in op envelopes: the safe alphabet, 1..64 characters. */
  deviceIdPattern: /^[A-Za-z0-9_-]{1,64}$/,
  /** The device clock string in op envelopes, in UTF-16 units. */
  maxCreatedOnLength: 64,
} as const;

export type Limits = typeof limits;
