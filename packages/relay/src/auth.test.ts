import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ParleyError } from '@parley/protocol';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anyOfVerifiers, bearerToken, createHmacTokens, createJwksVerifier } from './auth.ts';

const secret = 'a-test-secret-that-is-long-enough-for-hs256';

const rejectsUnauthorized = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ParleyError);
  expect((error as ParleyError).code).toBe('UNAUTHORIZED');
};

describe('createHmacTokens', () => {
  const tokens = createHmacTokens({ secret, issuer: 'parley-test' });

  it('round-trips user id, display name, scope and expiry', async () => {
    const before = Math.floor(Date.now() / 1000);
    const token = await tokens.sign({
      userId: 'alice',
      displayName: 'Alice',
      scope: 'chat.join',
      ttlSeconds: 60,
    });
    const claims = await tokens.verify(token);
    expect(claims).toMatchObject({ userId: 'alice', displayName: 'Alice', scope: 'chat.join' });
    expect(claims.expiresAt).toBeGreaterThanOrEqual(before + 60);
    expect(claims.expiresAt).toBeLessThanOrEqual(before + 61);
  });

  it('defaults the display name to the user id and the scope to chat', async () => {
    const claims = await tokens.verify(await tokens.sign({ userId: '8:acs:bob' }));
    expect(claims).toMatchObject({ userId: '8:acs:bob', displayName: '8:acs:bob', scope: 'chat' });
  });

  it('rejects an expired token beyond the clock tolerance', async () => {
    const key = new TextEncoder().encode(secret);
    const past = Math.floor(Date.now() / 1000) - 3600;
    const token = await new SignJWT({ scope: 'chat' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setIssuer('parley-test')
      .setIssuedAt(past - 60)
      .setExpirationTime(past)
      .sign(key);
    await rejectsUnauthorized(tokens.verify(token));
  });

  it('accepts a token that expired within the clock tolerance', async () => {
    const key = new TextEncoder().encode(secret);
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setIssuer('parley-test')
      .setExpirationTime(now - 5)
      .sign(key);
    await expect(tokens.verify(token)).resolves.toMatchObject({ userId: 'alice' });
  });

  it("keeps the key it was given: changing the caller's secret array later changes nothing", async () => {
    const bytes = new TextEncoder().encode(secret);
    const mine = createHmacTokens({ secret: bytes });
    const token = await createHmacTokens({ secret }).sign({ userId: 'alice' });
    bytes.fill(0);
    await expect(mine.verify(token)).resolves.toMatchObject({ userId: 'alice' });
    const signed = await mine.sign({ userId: 'bob' });
    await expect(createHmacTokens({ secret }).verify(signed)).resolves.toMatchObject({ userId: 'bob' });
  });

  it('rejects tokens signed with another secret, from another issuer, garbled or missing', async () => {
    const other = createHmacTokens({ secret: `${secret}-other`, issuer: 'parley-test' });
    await rejectsUnauthorized(tokens.verify(await other.sign({ userId: 'alice' })));
    const otherIssuer = createHmacTokens({ secret, issuer: 'someone-else' });
    await rejectsUnauthorized(tokens.verify(await otherIssuer.sign({ userId: 'alice' })));
    const good = await tokens.sign({ userId: 'alice' });
    await rejectsUnauthorized(tokens.verify(`${good.slice(0, -3)}abc`));
    await rejectsUnauthorized(tokens.verify('not.a.jwt'));
    await rejectsUnauthorized(tokens.verify(''));
  });

  it('rejects a token without a subject or with an unknown scope', async () => {
    const key = new TextEncoder().encode(secret);
    const noSub = await new SignJWT({ scope: 'chat' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('parley-test')
      .sign(key);
    await rejectsUnauthorized(tokens.verify(noSub));
    const badScope = await new SignJWT({ scope: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setIssuer('parley-test')
      .sign(key);
    await rejectsUnauthorized(tokens.verify(badScope));
  });

  it('refuses to sign bad requests and refuses short secrets', async () => {
    await expect(tokens.sign({ userId: '' })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(tokens.sign({ userId: 'a', scope: 'root' as never })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    await expect(tokens.sign({ userId: 'a', ttlSeconds: -1 })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    expect(() => createHmacTokens({ secret: 'short' })).toThrow(/at least 32 bytes/);
  });
});

describe('createJwksVerifier', () => {
  let server: Server;
  let jwksUrl: string;
  let privateKey: CryptoKey;
  let strangerKey: CryptoKey;
  let requests = 0;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    strangerKey = (await generateKeyPair('ES256')).privateKey;
    const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'key-1', alg: 'ES256', use: 'sig' };
    server = createServer((req, res) => {
      requests++;
      if (req.url !== '/.well-known/jwks.json') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    jwksUrl = `http://127.0.0.1:${port}/.well-known/jwks.json`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const issue = (key: CryptoKey, claims: Record<string, unknown>, kid = 'key-1', aud = 'parley') =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid })
      .setSubject('carol')
      .setIssuer('https://idp.test/')
      .setAudience(aud)
      .setExpirationTime('10m')
      .sign(key);

  it('accepts a token signed by a key of the set and maps its claims', async () => {
    const verify = createJwksVerifier({ jwksUrl, issuer: 'https://idp.test/', audience: 'parley' });
    const claims = await verify(
      await issue(privateKey, { name: 'Carol', scope: 'openid chat.join.limited' }),
    );
    expect(claims).toMatchObject({ userId: 'carol', displayName: 'Carol', scope: 'chat.join.limited' });
    expect(requests).toBeGreaterThan(0);
  });

  it('rejects a token signed by a key not in the set, or for another audience', async () => {
    const verify = createJwksVerifier({ jwksUrl, issuer: 'https://idp.test/', audience: 'parley' });
    await rejectsUnauthorized(verify(await issue(strangerKey, {})));
    await rejectsUnauthorized(verify(await issue(privateKey, {}, 'key-1', 'someone-else')));
  });

  it('rejects an HS256 token even when its secret is guessable from the key set', async () => {
    const verify = createJwksVerifier({ jwksUrl });
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
      .setSubject('mallory')
      .sign(new TextEncoder().encode(secret));
    await rejectsUnauthorized(verify(token));
  });

  it('rejects everything when the key set cannot be fetched', async () => {
    const verify = createJwksVerifier({ jwksUrl: jwksUrl.replace('jwks.json', 'missing.json') });
    await rejectsUnauthorized(verify(await issue(privateKey, {})));
  });
});

describe('bearerToken', () => {
  it('extracts the token of a Bearer header and nothing else', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer   xyz ')).toBe('xyz');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

describe('anyOfVerifiers', () => {
  it('accepts a token any verifier accepts and rejects one none accepts', async () => {
    const a = createHmacTokens({ secret: `${secret}-a` });
    const b = createHmacTokens({ secret: `${secret}-b` });
    const c = createHmacTokens({ secret: `${secret}-c` });
    const verify = anyOfVerifiers([a.verify, b.verify]);
    await expect(verify(await a.sign({ userId: 'alice' }))).resolves.toMatchObject({ userId: 'alice' });
    await expect(verify(await b.sign({ userId: 'bob' }))).resolves.toMatchObject({ userId: 'bob' });
    await rejectsUnauthorized(verify(await c.sign({ userId: 'carol' })));
  });
});
