import { ParleyError, type TokenScope, tokenScopes } from '@parley/protocol';
import { createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey, jwtVerify, SignJWT } from 'jose';
import type { TokenClaims, TokenVerifier } from './api.ts';

/**
 * Bearer tokens. Parley reads three claims: `sub` (the user id), `name` (the display name, defaulting
 * to the user id) and `scope` (one of ACS's `chat`, `chat.join`, `chat.join.limited`; default `chat`).
 * `exp` is honoured with a small clock tolerance. Anything wrong is `ParleyError('UNAUTHORIZED')`.
 */

/** Seconds of clock skew tolerated on `exp` and `nbf`. */
export const CLOCK_TOLERANCE_SECONDS = 30;

/** Default lifetime of tokens made by `createHmacTokens().sign` (24 h). */
export const DEFAULT_TOKEN_TTL_SECONDS = 24 * 60 * 60;

export interface TokenRequest {
  readonly userId: string;
  readonly displayName?: string;
  readonly scope?: TokenScope;
  /** Lifetime in seconds (default 24 h). */
  readonly ttlSeconds?: number;
}

export interface HmacTokensOptions {
  /** The HS256 key: a string (UTF-8) or raw bytes; at least 32 bytes. */
  readonly secret: string | Uint8Array;
  /** Written as `iss` when signing and required when verifying, if given. */
  readonly issuer?: string;
}

export interface HmacTokens {
  /** Signs a token for a user; resolves to the compact JWT. */
  sign(claims: TokenRequest): Promise<string>;
  readonly verify: TokenVerifier;
}

export interface JwksVerifierOptions {
  /** The identity provider's JSON Web Key Set URL (`…/.well-known/jwks.json`). */
  readonly jwksUrl: string;
  /** Required `iss`, if given. */
  readonly issuer?: string;
  /** Required `aud`, if given. */
  readonly audience?: string;
}

const unauthorized = (why: string): ParleyError => new ParleyError('UNAUTHORIZED', `Token rejected: ${why}.`);

const MIN_SECRET_BYTES = 32;

/** Algorithms accepted from a key set: public-key ones only (a JWKS never holds shared secrets). */
const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

/** Maps verified JWT claims to Parley's; rejects tokens without a usable `sub` or with an unknown scope. */
export const claimsFromPayload = (payload: JWTPayload): TokenClaims => {
  const userId = payload.sub;
  if (typeof userId !== 'string' || userId.length === 0) throw unauthorized('no subject (sub)');
  const name = payload.name;
  const rawScope = payload.scope ?? 'chat';
  // OAuth-style tokens may carry several space-separated scopes; take the widest Parley knows.
  const offered = typeof rawScope === 'string' ? rawScope.split(' ') : [];
  const scope = tokenScopes.find((s) => offered.includes(s));
  if (!scope) throw unauthorized(`no known scope in ${JSON.stringify(rawScope)}`);
  const claims: TokenClaims = {
    userId,
    displayName: typeof name === 'string' && name.length > 0 ? name : userId,
    scope,
  };
  return typeof payload.exp === 'number' ? { ...claims, expiresAt: payload.exp } : claims;
};

const verifyWith = async (
  token: string,
  key: CryptoKey | JWTVerifyGetKey,
  options: { issuer?: string; audience?: string; algorithms?: string[] },
): Promise<TokenClaims> => {
  if (typeof token !== 'string' || token.length === 0) throw unauthorized('missing');
  let payload: JWTPayload;
  try {
    const verifyOptions = { ...options, clockTolerance: CLOCK_TOLERANCE_SECONDS };
    const result =
      typeof key === 'function'
        ? await jwtVerify(token, key, verifyOptions)
        : await jwtVerify(token, key, verifyOptions);
    payload = result.payload;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_JWT_EXPIRED') throw unauthorized('expired');
    throw unauthorized(typeof code === 'string' ? code : 'not a valid token');
  }
  return claimsFromPayload(payload);
};

/**
 * HS256 tokens signed with a shared secret: what `parley-relay token` and `POST /admin/tokens` hand
 * out, good for development and for servers that mint tokens for their own users.
 *
 * @example
 * const tokens = createHmacTokens({ secret: process.env.PARLEY_SECRET! });
 * const token = await tokens.sign({ userId: 'alice', displayName: 'Alice' });
 * const claims = await tokens.verify(token); // { userId: 'alice', displayName: 'Alice', scope: 'chat', expiresAt }
 */
export const createHmacTokens = (options: HmacTokensOptions): HmacTokens => {
  // A copy: later changes to the caller's array do not change the key.
  const key =
    typeof options.secret === 'string'
      ? new TextEncoder().encode(options.secret)
      : new Uint8Array(options.secret);
  if (key.length < MIN_SECRET_BYTES)
    throw new Error(`the token secret must be at least ${MIN_SECRET_BYTES} bytes`);
  const { issuer } = options;
  // Imported once: given raw bytes, jose imports the key into WebCrypto on every call, which
  // doubled a verify's latency here (0.13–0.37 ms against 0.05–0.13 with the key kept).
  let imported: Promise<CryptoKey> | undefined;
  const cryptoKey = () =>
    (imported ??= crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]));
  return {
    async sign(claims) {
      if (typeof claims.userId !== 'string' || claims.userId.length === 0)
        throw new ParleyError('INVALID_REQUEST', 'userId must be a non-empty string.');
      const scope = claims.scope ?? 'chat';
      if (!tokenScopes.includes(scope))
        throw new ParleyError('INVALID_REQUEST', `scope must be one of ${tokenScopes.join(', ')}.`);
      const ttl = claims.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
      if (!Number.isFinite(ttl) || ttl <= 0)
        throw new ParleyError('INVALID_REQUEST', 'ttlSeconds must be a positive number.');
      const now = Math.floor(Date.now() / 1000);
      let jwt = new SignJWT({ scope, ...(claims.displayName ? { name: claims.displayName } : {}) })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(claims.userId)
        .setIssuedAt(now)
        .setExpirationTime(now + Math.ceil(ttl));
      if (issuer) jwt = jwt.setIssuer(issuer);
      return jwt.sign(await cryptoKey());
    },
    verify: async (token) =>
      verifyWith(token, await cryptoKey(), { algorithms: ['HS256'], ...(issuer ? { issuer } : {}) }),
  };
};

/**
 * Verifies tokens of a production identity provider against its published key set (RS256, ES256,
 * EdDSA, …). Keys are fetched on first use and re-fetched when an unknown `kid` appears.
 *
 * @example
 * const verifyToken = createJwksVerifier({
 *   jwksUrl: 'https://login.example.com/.well-known/jwks.json',
 *   issuer: 'https://login.example.com/',
 *   audience: 'parley',
 * });
 */
export const createJwksVerifier = (options: JwksVerifierOptions): TokenVerifier => {
  let url: URL;
  try {
    url = new URL(options.jwksUrl);
  } catch {
    throw new Error(`jwksUrl is not a URL: ${options.jwksUrl}`);
  }
  const keySet = createRemoteJWKSet(url);
  const verifyOptions = {
    algorithms: [...ASYMMETRIC_ALGORITHMS],
    ...(options.issuer ? { issuer: options.issuer } : {}),
    ...(options.audience ? { audience: options.audience } : {}),
  };
  return (token) => verifyWith(token, keySet, verifyOptions);
};

/** The token of an `Authorization: Bearer <token>` header value, or undefined. */
export const bearerToken = (header: string | undefined | null): string | undefined => {
  if (!header) return undefined;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match?.[1];
};

/**
 * A verifier that accepts a token any of `verifiers` accepts, tried in order (put the cheap local
 * HMAC check before a remote key set). Rejects with the last UNAUTHORIZED when none accepts.
 *
 * @example
 * const verifyToken = anyOfVerifiers([hmac.verify, createJwksVerifier({ jwksUrl })]);
 */
export const anyOfVerifiers = (verifiers: readonly TokenVerifier[]): TokenVerifier => {
  if (verifiers.length === 0) throw new Error('anyOfVerifiers needs at least one verifier');
  return async (token) => {
    let last: unknown;
    for (const verify of verifiers) {
      try {
        return await verify(token);
      } catch (error) {
        last = error;
      }
    }
    throw last instanceof ParleyError ? last : unauthorized('not accepted');
  };
};
