/**
 * The signed-in session: relay URL, token and the identity read from the token. Kept in
 * `localStorage` so that a reload (also offline) opens the same user's IndexedDB store at once.
 */

export interface Session {
  readonly url: string;
  readonly token: string;
  readonly userId: string;
  readonly displayName: string;
  /** Token expiry, epoch seconds, when the token says. */
  readonly expiresAt?: number;
}

const KEY = 'parley.session';

/** Claims a Parley token carries: `sub` (user id), `name`, `exp`. Not verified here: the relay does. */
export interface TokenIdentity {
  readonly userId: string;
  readonly displayName?: string;
  readonly expiresAt?: number;
}

const base64UrlDecode = (part: string): string => {
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const padded = b64 + '='.repeat((4 - (b64.length % 4)) % 4);
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
};

/**
 * Reads the identity out of a JWT without verifying it (the relay verifies on connect).
 * Returns undefined for anything that is not a JWT with a `sub`.
 *
 * @example
 * identityOf(token); // { userId: 'alice', displayName: 'Alice', expiresAt: 1767225600 }
 */
export const identityOf = (token: string): TokenIdentity | undefined => {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const claims = JSON.parse(base64UrlDecode(parts[1])) as Record<string, unknown>;
    if (typeof claims.sub !== 'string' || claims.sub === '') return undefined;
    return {
      userId: claims.sub,
      ...(typeof claims.name === 'string' && claims.name ? { displayName: claims.name } : {}),
      ...(typeof claims.exp === 'number' ? { expiresAt: claims.exp } : {}),
    };
  } catch {
    return undefined;
  }
};

/** The stored session, if any. */
export const loadSession = (storage: Storage = localStorage): Session | undefined => {
  try {
    const raw = storage.getItem(KEY);
    if (!raw) return undefined;
    const s = JSON.parse(raw) as Partial<Session>;
    if (typeof s.url !== 'string' || typeof s.token !== 'string' || typeof s.userId !== 'string')
      return undefined;
    return {
      url: s.url,
      token: s.token,
      userId: s.userId,
      displayName: typeof s.displayName === 'string' ? s.displayName : s.userId,
      ...(typeof s.expiresAt === 'number' ? { expiresAt: s.expiresAt } : {}),
    };
  } catch {
    return undefined;
  }
};

export const saveSession = (session: Session, storage: Storage = localStorage): void =>
  storage.setItem(KEY, JSON.stringify(session));

export const clearSession = (storage: Storage = localStorage): void => storage.removeItem(KEY);

/** The IndexedDB database that holds a user's local copy. */
export const databaseName = (userId: string): string => `parley:${userId}`;

/** Whether the session's token has expired (with no expiry: never). */
export const isExpired = (session: Session, nowMs = Date.now()): boolean =>
  session.expiresAt !== undefined && session.expiresAt * 1000 <= nowMs;
