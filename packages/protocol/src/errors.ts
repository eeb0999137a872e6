/**
 * Every error code Parley speaks, with its HTTP status, WebSocket close code and default message.
 * Client and relay import this one table; a code never changes meaning once shipped.
 */
export const errorCodes = {
  // input and framing
  MALFORMED_FRAME: { status: 400, close: 4400, message: 'The frame could not be decoded.' },
  FRAME_TOO_LARGE: { status: 413, close: 1009, message: 'The frame exceeds the size limit.' },
  INVALID_REQUEST: { status: 400, close: 4400, message: 'The request is not valid.' },
  INVALID_DOC_NAME: { status: 400, close: 4400, message: 'The document name is not valid.' },
  INVALID_UPDATE: { status: 400, close: 4400, message: 'The Yjs update could not be applied.' },
  CONTENT_TOO_LARGE: { status: 413, close: 4413, message: 'The message content exceeds 28 KB of UTF-8.' },
  METADATA_TOO_LARGE: { status: 413, close: 4413, message: 'The metadata exceeds 1 KB.' },
  TOPIC_TOO_LONG: { status: 400, close: 4400, message: 'The topic exceeds the length limit.' },
  TOO_MANY_PARTICIPANTS: { status: 409, close: 4409, message: 'The thread would exceed 250 members.' },
  BATCH_TOO_LARGE: { status: 400, close: 4400, message: 'At most 200 participants may be added at once.' },
  DUPLICATE_ID: { status: 409, close: 4409, message: 'An object with this id already exists.' },
  // identity and permission
  UNAUTHORIZED: { status: 401, close: 4401, message: 'Authentication is missing, invalid or expired.' },
  AUTH_TIMEOUT: { status: 401, close: 4408, message: 'The session did not authenticate in time.' },
  FORBIDDEN: { status: 403, close: 4403, message: 'The operation is not permitted.' },
  INSUFFICIENT_SCOPE: {
    status: 403,
    close: 4403,
    message: 'The token scope does not permit this operation.',
  },
  NOT_A_MEMBER: { status: 403, close: 4403, message: 'The user is not a member of the thread.' },
  NOT_SENDER: { status: 403, close: 4403, message: 'Only the sender may change this message.' },
  HISTORY_NOT_VISIBLE: {
    status: 403,
    close: 4403,
    message: 'That part of the history is not shared with this member.',
  },
  WRITE_FORBIDDEN: { status: 403, close: 4403, message: 'Clients may not write to thread documents.' },
  AWARENESS_CLIENT_TAKEN: {
    status: 409,
    close: 4409,
    message: 'That awareness client id belongs to another session.',
  },
  // existence
  THREAD_NOT_FOUND: { status: 404, close: 4404, message: 'The thread does not exist.' },
  THREAD_DELETED: { status: 410, close: 4410, message: 'The thread was deleted.' },
  MESSAGE_NOT_FOUND: { status: 404, close: 4404, message: 'The message does not exist.' },
  MESSAGE_DELETED: { status: 410, close: 4410, message: 'The message was deleted.' },
  PARTICIPANT_NOT_FOUND: { status: 404, close: 4404, message: 'The participant is not in the thread.' },
  DOC_NOT_FOUND: { status: 404, close: 4404, message: 'The document does not exist.' },
  ROUTE_NOT_FOUND: { status: 404, close: 4404, message: 'No such route.' },
  NOT_SUBSCRIBED: { status: 409, close: 4409, message: 'The session is not subscribed to that document.' },
  // sync state
  STALE_GENERATION: {
    status: 409,
    close: 4409,
    message: 'The local copy was built under another visibility generation.',
  },
  DEPENDENCY_FAILED: { status: 424, close: 4424, message: 'An intent this one depends on failed.' },
  // load and limits
  RATE_LIMITED: { status: 429, close: 4429, message: 'Too many requests; slow down.' },
  TOO_MANY_SUBSCRIPTIONS: { status: 429, close: 4429, message: 'The session has too many subscriptions.' },
  // server
  INTERNAL: { status: 500, close: 1011, message: 'The relay failed to handle the request.' },
  UNAVAILABLE: { status: 503, close: 1013, message: 'The relay is shutting down or not ready.' },
} as const satisfies Record<string, { status: number; close: number; message: string }>;

export type ErrorCode = keyof typeof errorCodes;

export const isErrorCode = (value: unknown): value is ErrorCode =>
  typeof value === 'string' && Object.hasOwn(errorCodes, value);

/** HTTP status for a code. */
export const httpStatusOf = (code: ErrorCode): number => errorCodes[code].status;

/** WebSocket close code for a code (4000-4999 for Parley's own, standard ones where they fit). */
export const closeCodeOf = (code: ErrorCode): number => errorCodes[code].close;

/**
 * The one error class of Parley. `code` is stable and travels unchanged from relay to client.
 *
 * @example
 * throw new ParleyError('NOT_A_MEMBER', `bob is not in ${threadId}`);
 */
export class ParleyError extends Error {
  override readonly name = 'ParleyError';
  readonly code: ErrorCode;
  /** Extra machine-readable detail (the offending field, the limit, the target). */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message?: string, details?: Record<string, unknown>) {
    super(message ?? errorCodes[code].message);
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return httpStatusOf(this.code);
  }

  toJSON(): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details
      ? { code: this.code, message: this.message, details: { ...this.details } }
      : { code: this.code, message: this.message };
  }
}

export const isParleyError = (value: unknown): value is ParleyError => value instanceof ParleyError;
