import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { acs, type RelayProcess, runBinary, startRelay, tempDir } from './relayProcess.ts';

const tmp = tempDir('parley-relay-bin-');
const db = join(tmp.dir, 'parley.db');
const running: RelayProcess[] = [];

afterAll(async () => {
  await Promise.all(running.map((r) => r.stop('SIGKILL')));
  tmp.cleanup();
});

const start = async (args: string[], env: Record<string, string> = {}) => {
  const relay = await startRelay(args, env);
  running.push(relay);
  return relay;
};

describe('parley-relay binary', () => {
  it('prints usage for --help and exits 2 on a bad command line', () => {
    const help = runBinary(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('parley-relay token --user <id>');
    const bad = runBinary(['--port', 'eighty']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--port must be an integer');
  });

  it('runs the README path: token, create a thread, post a message, list it; survives a restart', async () => {
    const relay = await start(['--port', '0', '--db', db, '--admin-key', 'admin-secret']);
    expect(relay.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(relay.port).toBeGreaterThan(0);
    expect(relay.output()).toContain(`parley-relay listening on http://127.0.0.1:${relay.port}`);
    expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);

    const token = runBinary(['token', '--db', db, '--user', 'alice', '--name', 'Alice']);
    expect(token.status).toBe(0);
    const alice = token.stdout;
    expect(alice.split('.')).toHaveLength(3);

    const created = await acs(relay.url, alice, 'POST', '/chat/threads', {
      topic: 'Lunch',
      participants: [
        { communicationIdentifier: { rawId: 'bob', communicationUser: { id: 'bob' } }, displayName: 'Bob' },
      ],
    });
    expect(created.status).toBe(201);
    const threadId: string = created.json.chatThread.id;
    expect(created.headers.get('location')).toBe(`${relay.url}/chat/threads/${threadId}`);

    const sent = await acs(relay.url, alice, 'POST', `/chat/threads/${threadId}/messages`, {
      content: 'Hello from curl 👋',
      senderDisplayName: 'Alice',
    });
    expect(sent.status).toBe(201);

    const issued = await fetch(`${relay.url}/admin/tokens`, {
      method: 'POST',
      headers: { authorization: 'Bearer admin-secret', 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'bob', displayName: 'Bob' }),
    });
    expect(issued.status).toBe(201);
    const bob = ((await issued.json()) as { token: string }).token;
    const listed = await acs(relay.url, bob, 'GET', `/chat/threads/${threadId}/messages`);
    expect(listed.status).toBe(200);
    const texts = listed.json.value.filter((m: { type: string }) => m.type === 'text');
    expect(texts).toEqual([
      expect.objectContaining({
        id: sent.json.id,
        content: { message: 'Hello from curl 👋' },
        senderCommunicationIdentifier: { rawId: 'alice', communicationUser: { id: 'alice' } },
      }),
    ]);

    const stopped = await relay.stop('SIGTERM');
    expect(stopped).toEqual({ code: 0, signal: null });

    // Same file: the generated secret was kept, so the old token still works and the message is there.
    const again = await start(['--port', '0', '--db', db]);
    const after = await acs(again.url, alice, 'GET', `/chat/threads/${threadId}/messages/${sent.json.id}`);
    expect(after.status).toBe(200);
    expect(after.json.content.message).toBe('Hello from curl 👋');
    expect(await again.stop('SIGINT')).toEqual({ code: 0, signal: null });
  });

  it('takes its settings from the environment and rejects tokens signed with another secret', async () => {
    const envDb = join(tmp.dir, 'env.db');
    const secret = 'an-operator-chosen-secret-of-32-bytes-or-more';
    const relay = await start([], { PARLEY_PORT: '0', PARLEY_DB: envDb, PARLEY_SECRET: secret });
    const good = runBinary(['token', '--user', 'carol'], { PARLEY_DB: envDb, PARLEY_SECRET: secret }).stdout;
    const bad = runBinary(['token', '--db', db, '--user', 'carol']).stdout;
    expect((await acs(relay.url, good, 'GET', '/chat/threads')).status).toBe(200);
    const rejected = await acs(relay.url, bad, 'GET', '/chat/threads');
    expect(rejected.status).toBe(401);
    expect(rejected.json.error.code).toBe('UNAUTHORIZED');
    expect(await relay.stop()).toEqual({ code: 0, signal: null });
  });

  it('accepts tokens of a JWKS identity provider alongside its own', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'idp-1', alg: 'ES256' };
    const idp = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
    try {
      const jwksUrl = `http://127.0.0.1:${(idp.address() as AddressInfo).port}/jwks.json`;
      const jwksDb = join(tmp.dir, 'jwks.db');
      const relay = await start([
        '--port',
        '0',
        '--db',
        jwksDb,
        '--jwks-url',
        jwksUrl,
        '--jwks-audience',
        'parley',
      ]);
      const sign = (aud: string) =>
        new SignJWT({ name: 'Erin' })
          .setProtectedHeader({ alg: 'ES256', kid: 'idp-1' })
          .setSubject('erin')
          .setAudience(aud)
          .setExpirationTime('5m')
          .sign(privateKey);
      const created = await acs(relay.url, await sign('parley'), 'POST', '/chat/threads', {
        topic: 'from the IdP',
      });
      expect(created.status).toBe(201);
      expect(created.json.chatThread.createdByCommunicationIdentifier.rawId).toBe('erin');
      expect((await acs(relay.url, await sign('elsewhere'), 'GET', '/chat/threads')).status).toBe(401);
      const own = runBinary(['token', '--db', jwksDb, '--user', 'frank']).stdout;
      expect((await acs(relay.url, own, 'GET', '/chat/threads')).status).toBe(200);
      expect(await relay.stop()).toEqual({ code: 0, signal: null });
    } finally {
      await new Promise<void>((resolve) => idp.close(() => resolve()));
    }
  });
});
