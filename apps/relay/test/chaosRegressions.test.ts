import { join } from 'node:path';
import { createChatClient, fromLocalDocStore, type WebSocketConstructor } from '@parley/client';
import { createHmacTokens } from '@parley/relay';
import { createSqliteLocalStore } from '@parley/store-sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { acs, type RelayProcess, startRelay, tempDir } from './relayProcess.ts';

/**
 * Deterministic replays of what the chaos simulation (chaos.test.ts) found, one test per finding.
 * `it.fails` marks a finding that is not fixed yet: the test asserts the correct behaviour and is
 * expected to fail until the fix lands; then Vitest reports it and `.fails` must be removed.
 */
const SECRET = 'chaos-regressions-secret-0123456789abcdef';
const tokens = createHmacTokens({ secret: SECRET });
const tmp = tempDir('parley-chaos-reg-');
let relay: RelayProcess;

beforeAll(async () => {
  relay = await startRelay(['--port', '0', '--host', '127.0.0.1', '--db', join(tmp.dir, 'relay.db')], {
    PARLEY_SECRET: SECRET,
  });
});
afterAll(async () => {
  await relay?.stop('SIGKILL');
  tmp.cleanup();
});

const client = (userId: string) =>
  createChatClient({
    url: relay.url,
    userId,
    token: () => tokens.sign({ userId, displayName: userId }),
    storage: fromLocalDocStore(createSqliteLocalStore(join(tmp.dir, `${userId}.db`))),
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    minBackoffMs: 20,
    maxBackoffMs: 200,
  });

const until = async (check: () => Promise<boolean>, what: string, timeoutMs = 15_000) => {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

const relayIds = async (userId: string, threadId: string): Promise<string[]> => {
  const res = await acs(
    relay.url,
    await tokens.sign({ userId }),
    'GET',
    `/chat/threads/${threadId}/messages?maxPageSize=200`,
  );
  expect(res.status).toBe(200);
  return (res.json.value as { id: string; sequenceId: string }[])
    .sort((a, b) => Number(a.sequenceId) - Number(b.sequenceId))
    .map((m) => m.id);
};

const deviceIds = async (c: ReturnType<typeof client>, threadId: string): Promise<string[]> => {
  const out: { id: string; sequenceId: string }[] = [];
  for await (const m of c.getChatThreadClient(threadId).listMessages()) if (m.sequenceId !== '') out.push(m);
  return out.sort((a, b) => Number(a.sequenceId) - Number(b.sequenceId)).map((m) => m.id);
};

describe('chaos simulation findings', () => {
  // Found by PARLEY_SIM_SEED=3: ben sent a message, left, and was re-added without history. The relay
  // no longer lists his old message to him (it is before his new fromSeq), but his device still
  // shows it, rebuilt from his own accepted sendMessage intent (client localView.ts threadMessages →
  // fromSendOp), so the device never converges to the relay's view of the thread.
  it('a member re-added without history does not keep listing its own messages from before', async () => {
    const ann = await tokens.sign({ userId: 'ann', displayName: 'ann' });
    const created = await acs(relay.url, ann, 'POST', '/chat/threads', {
      topic: 'rejoin',
      participants: [{ communicationIdentifier: { rawId: 'ben', communicationUser: { id: 'ben' } } }],
    });
    expect(created.status).toBe(201);
    const threadId: string = created.json.chatThread.id;
    const ben = client('ben');
    try {
      const bt = ben.getChatThreadClient(threadId);
      const { id: old } = await bt.sendMessage({ content: 'before I left' });
      await ben.whenSettled(10_000);
      await bt.removeParticipant({ communicationUserId: 'ben' });
      await ben.whenSettled(10_000);
      const readd = await acs(relay.url, ann, 'POST', `/chat/threads/${threadId}/participants/:add`, {
        participants: [
          {
            communicationIdentifier: { rawId: 'ben', communicationUser: { id: 'ben' } },
            shareHistoryTime: new Date(Date.now() + 60_000).toISOString(),
          },
        ],
      });
      expect(readd.status).toBe(201);
      const fresh = await acs(relay.url, ann, 'POST', `/chat/threads/${threadId}/messages`, {
        content: 'after',
      });
      expect(fresh.status).toBe(201);
      const want = await relayIds('ben', threadId);
      expect(want).not.toContain(old);
      await until(
        async () => (await deviceIds(ben, threadId)).includes(fresh.json.id),
        'ben syncs the new message',
      );
      expect(await deviceIds(ben, threadId)).toEqual(want);
    } finally {
      await ben.close();
    }
  });

  // Found by the upgrade-path fuzzer (packages/relay/test/fuzz.test.ts): an unauthenticated WebSocket
  // upgrade to `/v1/yjs/%E0%A4%A` made decodeURIComponent throw a URIError inside the server's
  // 'upgrade' listener (packages/relay/src/relay.ts handleUpgrade), which killed the whole process.
  it('a malformed percent-encoded upgrade path gets a 400 and the relay keeps serving', async () => {
    const status = await new Promise<number | string>((resolve) => {
      const ws = new WebSocket(`${relay.url.replace('http', 'ws')}/v1/yjs/%E0%A4%A?token=x`);
      ws.once('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.once('open', () => resolve('open'));
      ws.once('error', (e) => resolve(`error: ${e.message}`));
    });
    expect(status).toBe(400);
    expect(relay.child.exitCode).toBe(null);
    expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
  });

  // Found next, by hand from the same fuzzer's finding: a raw upgrade request whose target is not a
  // URL (`GET //[`) made `new URL()` throw in the same listener and killed the process too.
  it('an upgrade request whose target is not a URL gets a 400 and the relay keeps serving', async () => {
    const { connect } = await import('node:net');
    const answer = await new Promise<string>((resolve) => {
      const s = connect(relay.port, '127.0.0.1', () => {
        s.write(
          'GET //[ HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
            'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
        );
      });
      let got = '';
      s.on('data', (d: Buffer) => {
        got += d.toString('latin1');
      });
      s.on('close', () => resolve(got.split('\r\n')[0] ?? ''));
      s.on('error', () => resolve(got.split('\r\n')[0] ?? ''));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(relay.child.exitCode).toBe(null);
    expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
  });
});
