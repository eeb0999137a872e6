import { type ErrorCode, isErrorCode, ParleyError } from './errors.ts';

/** Control payloads are small UTF-8 JSON objects. */
export const MAX_CONTROL_BYTES = 16 * 1024;

export interface AuthPayload {
  readonly token: string;
  /** Optional protocol features the client understands, e.g. `['batch']`. */
  readonly features?: readonly string[];
}

export interface AuthResultPayload {
  readonly userId: string;
  readonly displayName: string;
  readonly scope: TokenScope;
  readonly sessionId: string;
  /** Seconds since the epoch when the token expires, if it does. */
  readonly expiresAt?: number;
}

/** ACS token scopes: `chat` may do everything, `chat.join` may not create/update/delete threads,
 * `chat.join.limited` may also not add or remove members. */
export type TokenScope = 'chat' | 'chat.join' | 'chat.join.limited';
export const tokenScopes: readonly TokenScope[] = ['chat', 'chat.join', 'chat.join.limited'];

export interface SubscribePayload {
  /** The visibility generation the client's local copy was built under; absent when it has none. */
  readonly generation?: number;
}

export type SubscriptionPayload =
  | { readonly status: 'granted'; readonly mode: 'read' | 'readwrite'; readonly generation?: number }
  | { readonly status: 'denied'; readonly code: ErrorCode; readonly message: string };

export interface CodePayload {
  readonly code: ErrorCode;
  readonly message: string;
  /** For Reset: the generation to use when subscribing again. */
  readonly generation?: number;
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export const encodeControl = (value: object): Uint8Array => utf8.encode(JSON.stringify(value));

const bad = (why: string) => new ParleyError('MALFORMED_FRAME', `Malformed control payload: ${why}.`);

/** Decodes a JSON object payload; throws MALFORMED_FRAME for anything else. */
export const decodeControlObject = (payload: Uint8Array): Record<string, unknown> => {
  if (payload.length > MAX_CONTROL_BYTES) throw bad(`larger than ${MAX_CONTROL_BYTES} bytes`);
  if (payload.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(strictUtf8.decode(payload));
  } catch {
    throw bad('not UTF-8 JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('not an object');
  return value as Record<string, unknown>;
};

export const decodeAuth = (payload: Uint8Array): AuthPayload => {
  const o = decodeControlObject(payload);
  if (typeof o.token !== 'string' || o.token.length === 0) throw bad('token missing');
  if (!Array.isArray(o.features)) return { token: o.token };
  const features = o.features.filter((f): f is string => typeof f === 'string').slice(0, 16);
  return { token: o.token, features };
};

export const decodeSubscribe = (payload: Uint8Array): SubscribePayload => {
  const o = decodeControlObject(payload);
  if (o.generation === undefined) return {};
  if (!Number.isSafeInteger(o.generation) || (o.generation as number) < 0)
    throw bad('generation is not a natural number');
  return { generation: o.generation as number };
};

export const decodeCode = (payload: Uint8Array): CodePayload => {
  const o = decodeControlObject(payload);
  if (!isErrorCode(o.code)) throw bad('unknown error code');
  const out: CodePayload = { code: o.code, message: typeof o.message === 'string' ? o.message : '' };
  return typeof o.generation === 'number' ? { ...out, generation: o.generation } : out;
};

export const decodeSubscription = (payload: Uint8Array): SubscriptionPayload => {
  const o = decodeControlObject(payload);
  if (o.status === 'granted' && (o.mode === 'read' || o.mode === 'readwrite')) {
    return typeof o.generation === 'number'
      ? { status: 'granted', mode: o.mode, generation: o.generation }
      : { status: 'granted', mode: o.mode };
  }
  if (o.status === 'denied' && isErrorCode(o.code)) {
    return { status: 'denied', code: o.code, message: typeof o.message === 'string' ? o.message : '' };
  }
  throw bad('not a subscription result');
};

export const decodeAuthResult = (payload: Uint8Array): AuthResultPayload => {
  const o = decodeControlObject(payload);
  if (typeof o.userId !== 'string' || typeof o.sessionId !== 'string') throw bad('not an auth result');
  const scope = tokenScopes.includes(o.scope as TokenScope) ? (o.scope as TokenScope) : 'chat';
  const out: AuthResultPayload = {
    userId: o.userId,
    displayName: typeof o.displayName === 'string' ? o.displayName : o.userId,
    scope,
    sessionId: o.sessionId,
  };
  return typeof o.expiresAt === 'number' ? { ...out, expiresAt: o.expiresAt } : out;
};
