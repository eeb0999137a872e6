import { createHmacTokens } from '@parley/relay';
import { createSqliteStore } from '@parley/store-sqlite';
import type { TokenConfig } from './args.ts';
import { tokenSecret } from './secret.ts';

/**
 * A token signed with the relay's secret (PARLEY_SECRET, or the one kept in the database, created
 * there if the relay never ran), for `parley-relay token`.
 *
 * @example
 * const token = await signToken({ db: './parley.db', userId: 'alice', scope: 'chat', ttlSeconds: 3600 });
 */
export const signToken = async (config: TokenConfig): Promise<string> => {
  const store = createSqliteStore({ path: config.db });
  try {
    const tokens = createHmacTokens({ secret: tokenSecret(store.settings, config.secret) });
    return await tokens.sign({
      userId: config.userId,
      scope: config.scope,
      ttlSeconds: config.ttlSeconds,
      ...(config.displayName ? { displayName: config.displayName } : {}),
    });
  } finally {
    store.close();
  }
};
