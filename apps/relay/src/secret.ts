import { randomBytes } from 'node:crypto';
import type { SettingsStore } from '@parley/model';

/** The settings key under which the relay keeps its generated token-signing secret. */
export const TOKEN_SECRET_SETTING = 'auth.tokenSecret';

/**
 * The secret that signs and verifies HS256 tokens: the given one (from PARLEY_SECRET), else the one
 * kept in the store's settings, else 32 fresh random bytes that are stored for the next start and
 * for `parley-relay token`.
 *
 * @example
 * const secret = tokenSecret(store.settings, process.env.PARLEY_SECRET);
 */
export const tokenSecret = (settings: SettingsStore, given?: string): string => {
  if (given) return given;
  const stored = settings.get(TOKEN_SECRET_SETTING);
  if (stored) return stored;
  const fresh = randomBytes(32).toString('base64url');
  settings.set(TOKEN_SECRET_SETTING, fresh);
  return fresh;
};
