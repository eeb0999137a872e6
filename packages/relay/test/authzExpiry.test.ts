import { headDocName, newThreadId } from '@parley/model';
import { closeCodeOf } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestRelay, type TestRelay } from './harness.ts';
import { WireClient } from './wireClient.ts';

/**
 * Token expiry on live sessions: a session must not outlive its token (THREAT_MODEL.md, token theft).
 * The authorization matrix covers tokens that are already expired when used; this covers tokens that
 * expire while a socket is open, on both socket endpoints.
 */
let relay: TestRelay;
let threadId = '';
const actor = (userId: string) => ({ userId, displayName: userId, scope: 'chat' as const });

beforeAll(async () => {
  relay = await startTestRelay();
  threadId = newThreadId();
  const r = await relay.relay.operations.apply(actor('alice'), {
    type: 'createThread',
    threadId,
    topic: 'expiry',
    participants: [{ id: 'bob' }],
  });
  expect(r.status).toBe('accepted');
});
afterAll(async () => {
  await relay?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('token expiry on open sockets', () => {
  it('a /v1/sync session is closed with UNAUTHORIZED when its token expires', async () => {
    const bob = await WireClient.connect(relay.url, await relay.token('bob', { ttlSeconds: 2 }));
    expect(bob.userId, 'authenticated before expiry').toBe('bob');
    await bob.until(() => bob.closeCode !== undefined, 8000);
    expect(bob.closeCode).toBe(closeCodeOf('UNAUTHORIZED'));
  });

  // Found while writing the threat model: YwsSession (packages/relay/src/ywsSession.ts) did not look at
  // `claims.expiresAt` — unlike SyncSession.#scheduleExpiry — so a stock y-websocket connection kept
  // receiving a thread's updates after its token expired. Fixed with the same expiry timer.
  it('a /v1/yjs session is closed when its token expires and receives nothing after', async () => {
    const token = await relay.token('bob', { ttlSeconds: 2 });
    const ws = new WebSocket(
      `${relay.url.replace('http', 'ws')}/v1/yjs/${headDocName(threadId)}?token=${token}`,
    );
    let closeCode: number | undefined;
    let afterExpiry = 0;
    let expired = false;
    ws.on('close', (code) => {
      closeCode = code;
    });
    ws.on('message', () => {
      if (expired) afterExpiry++;
    });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    await sleep(3200);
    expired = true;
    await relay.relay.operations.apply(actor('alice'), {
      type: 'updateThread',
      threadId,
      topic: 'after expiry',
    });
    await sleep(500);
    ws.terminate();
    expect(afterExpiry, 'frames delivered after the token expired').toBe(0);
    expect(closeCode).toBe(closeCodeOf('UNAUTHORIZED'));
  });
});
