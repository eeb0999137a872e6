import { ParleyError } from '@parley/protocol';

/**
 * Doc names. Thread ids use a safe alphabet (no colon), so `thread:<id>:<page>` parses
 * unambiguously; user ids are opaque (ACS raw ids look like `8:acs:…`) and may contain colons,
 * which is fine because `user:` names hold nothing after the id.
 */
export type DocRef =
  | { readonly kind: 'head'; readonly threadId: string }
  | { readonly kind: 'page'; readonly threadId: string; readonly page: number }
  | { readonly kind: 'user'; readonly userId: string };

export const THREAD_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
export const MAX_USER_ID_LENGTH = 256;
export const MAX_PAGE = 1_000_000;

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

/** A random id in the safe alphabet (`len` characters, 6 bits each from crypto randomness). */
export const randomId = (len = 22): string => {
  let out = '';
  for (let i = 0; i < len; i++) out += ID_ALPHABET[randomByte() & 63];
  return out;
};

// Random bytes come from a pool refilled 4 KiB at a time: one getRandomValues call per id was a
// measurable share of the relay's per-message CPU.
const pool = new Uint8Array(4096);
let poolPos = pool.length;
const randomByte = (): number => {
  if (poolPos >= pool.length) {
    globalThis.crypto.getRandomValues(pool);
    poolPos = 0;
  }
  return pool[poolPos++]!;
};

/** The safe alphabet in code-unit order, so that a prefix written in it sorts like its number. */
const SORTED_ALPHABET = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';

/**
 * A random id that starts with the time: 8 characters of milliseconds since 1970 (48 bits, in an
 * alphabet that sorts like the number), then `len − 8` random ones (84 bits for the default 22).
 * Message and op ids are primary keys of the relay's indexes: a random key lands on a random
 * B-tree page, and a commit writes every page it touched in full. Ids made in time order land on
 * the last pages (`npx tsx bench/ids.ts`: 95 µs of store work per message with random ids, 33 with
 * these, 30,000 messages in transactions of 30). Same alphabet as `randomId`.
 */
export const timeOrderedId = (len = 22, now = Date.now()): string => {
  let out = '';
  let t = Math.max(0, Math.floor(now));
  for (let i = 0; i < 8; i++) {
    out = SORTED_ALPHABET[t % 64]! + out;
    t = Math.floor(t / 64);
  }
  for (let i = 8; i < len; i++) out += ID_ALPHABET[randomByte() & 63];
  return out;
};

/** A new thread id: 22 characters of the safe alphabet (132 bits). */
export const newThreadId = (): string => randomId(22);

export const isThreadId = (id: unknown): id is string => typeof id === 'string' && THREAD_ID_PATTERN.test(id);

/** A surrogate that is not part of a pair: such a string changes when encoded to UTF-8. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** User ids: 1..256 characters, no control characters, no leading/trailing whitespace, well-formed UTF-16. */
export const isUserId = (id: unknown): id is string =>
  typeof id === 'string' &&
  id.length > 0 &&
  id.length <= MAX_USER_ID_LENGTH &&
  id.trim() === id &&
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  !/[\u0000-\u001f\u007f]/.test(id) &&
  !LONE_SURROGATE.test(id);

export const headDocName = (threadId: string): string => `thread:${threadId}`;
export const pageDocName = (threadId: string, page: number): string => `thread:${threadId}:${page}`;
export const userDocName = (userId: string): string => `user:${userId}`;

export const formatDocName = (ref: DocRef): string =>
  ref.kind === 'head'
    ? headDocName(ref.threadId)
    : ref.kind === 'page'
      ? pageDocName(ref.threadId, ref.page)
      : userDocName(ref.userId);

/** Parses a doc name, or returns undefined when it is not one of Parley's. */
export const parseDocName = (name: string): DocRef | undefined => {
  if (name.startsWith('user:')) {
    const userId = name.slice(5);
    return isUserId(userId) ? { kind: 'user', userId } : undefined;
  }
  if (!name.startsWith('thread:')) return undefined;
  const rest = name.slice(7);
  const colon = rest.indexOf(':');
  if (colon === -1) return isThreadId(rest) ? { kind: 'head', threadId: rest } : undefined;
  const threadId = rest.slice(0, colon);
  const pageText = rest.slice(colon + 1);
  if (!isThreadId(threadId) || !/^(0|[1-9][0-9]{0,6})$/.test(pageText)) return undefined;
  const page = Number(pageText);
  return page <= MAX_PAGE ? { kind: 'page', threadId, page } : undefined;
};

/** Like parseDocName, but throws INVALID_DOC_NAME. */
export const requireDocName = (name: string): DocRef => {
  const ref = parseDocName(name);
  if (!ref)
    throw new ParleyError('INVALID_DOC_NAME', `Not a Parley doc name: ${JSON.stringify(name.slice(0, 80))}.`);
  return ref;
};
