import { tokenScopes, type TokenScope } from '@parley/protocol';
import { CliError, UsageError } from './errors.ts';
import { adminFetch, openRelayDatabase } from './source.ts';

/** The settings key under which `parley-relay` keeps its generated token secret (apps/relay). */
export const TOKEN_SECRET_SETTING = 'auth.tokenSecret';

/** What `parley token` needs. */
export interface TokenRequest {
  readonly userId: string;
  readonly displayName?: string;
  readonly scope?: string;
  readonly ttlSeconds?: number;
  /** Sign locally with this secret, or the one in `db`. */
  readonly secret?: string;
  readonly db?: string;
  /** Or ask this relay with its admin key. */
  readonly url?: string;
  readonly adminKey?: string;
}

const scopeOf = (s: string | undefined): TokenScope | undefined => {
  if (s === undefined) return undefined;
  if (!tokenScopes.includes(s as TokenScope))
    throw new UsageError(`--scope must be one of ${tokenScopes.join(', ')}`);
  return s as TokenScope;
};

/** Issues a development token: from the relay (`url`), or signed here with the relay's secret. */
export const issueToken = async (req: TokenRequest): Promise<{ token: string; expiresOn: string }> => {
  const scope = scopeOf(req.scope);
  if (req.url && req.secret === undefined) {
    const body = await adminFetch(req.url, req.adminKey, '/admin/tokens', {
      method: 'POST',
      body: {
        userId: req.userId,
        ...(req.displayName ? { displayName: req.displayName } : {}),
        ...(scope ? { scope } : {}),
        ...(req.ttlSeconds ? { ttlSeconds: req.ttlSeconds } : {}),
      },
    });
    return body as { token: string; expiresOn: string };
  }
  let secret = req.secret;
  if (secret === undefined) {
    if (!req.db)
      throw new UsageError('token: give --db <file> (or --secret) to sign, or --url to ask a relay');
    const store = await openRelayDatabase(req.db);
    try {
      secret = store.settings.get(TOKEN_SECRET_SETTING);
    } finally {
      store.close();
    }
    if (!secret)
      throw new CliError(
        `${req.db} holds no token secret (the relay runs with PARLEY_SECRET?): pass --secret or use --url`,
      );
  }
  const { createHmacTokens } = await import('@parley/relay');
  const ttlSeconds = req.ttlSeconds ?? 24 * 60 * 60;
  let token: string;
  try {
    token = await createHmacTokens({ secret }).sign({
      userId: req.userId,
      ttlSeconds,
      ...(req.displayName ? { displayName: req.displayName } : {}),
      ...(scope ? { scope } : {}),
    });
  } catch (error) {
    throw new CliError(`cannot sign: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { token, expiresOn: new Date(Date.now() + ttlSeconds * 1000).toISOString() };
};
