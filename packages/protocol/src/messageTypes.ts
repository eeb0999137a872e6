/**
 * Message types of the multiplexed socket. Sync and Awareness carry y-protocols' encodings
 * unchanged; the others carry a small JSON control payload (see `control.ts`).
 */
export const MessageType = {
  /** y-protocols sync message (step 1, step 2 or update) for the frame's doc. */
  Sync: 0,
  /** y-protocols awareness update for the frame's doc (only head docs carry awareness). */
  Awareness: 1,
  /** client → relay, first frame, doc name empty: `{token}`. */
  Auth: 2,
  /** relay → client, doc name empty: the authenticated identity, or an error before close. */
  AuthResult: 3,
  /** client → relay: subscribe to the frame's doc, `{generation?}` of the local copy. */
  Subscribe: 4,
  /** relay → client: `{status: 'granted', mode, generation?}` or `{status: 'denied', code, message}`. */
  Subscription: 5,
  /** client → relay: stop receiving the frame's doc. */
  Unsubscribe: 6,
  /** relay → client: the subscription to the frame's doc ended (removed, deleted), `{code, message}`. */
  Revoke: 7,
  /** relay → client: drop the local copy of the frame's doc and subscribe afresh, `{code, generation}`. */
  Reset: 8,
  /** relay → client: an error about one frame, `{code, message}`; the session stays open. */
  Error: 9,
  /** either way: liveness check; answered with Pong. */
  Ping: 10,
  Pong: 11,
  /** client → relay: replace the session's token before it expires, `{token}`. */
  Reauth: 12,
  /** relay → client, doc name empty: several frames in one WebSocket message (see `batch.ts`);
   * sent only to sessions whose Auth listed the `batch` feature. */
  Batch: 13,
} as const;

export type MessageTypeName = keyof typeof MessageType;
export type MessageTypeId = (typeof MessageType)[MessageTypeName];

const names = new Map<number, MessageTypeName>(
  Object.entries(MessageType).map(([k, v]) => [v, k as MessageTypeName]),
);

export const messageTypeName = (type: number): MessageTypeName | undefined => names.get(type);
export const isMessageType = (type: number): type is MessageTypeId => names.has(type);

/** y-protocols sync sub-message types, repeated here so that relay and client agree by import. */
export const SyncStep = { Step1: 0, Step2: 1, Update: 2 } as const;
