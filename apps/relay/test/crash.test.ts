import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acs, type RelayProcess, startRelay, tempDir } from './relayProcess.ts';

const tmp = tempDir('parley-relay-crash-');
const db = join(tmp.dir, 'parley.db');
const running: RelayProcess[] = [];
const ADMIN = 'crash-test-admin-key';
const USERS = ['ann', 'ben', 'cat', 'dan'];

afterAll(async () => {
  await Promise.all(running.map((r) => r.stop('SIGKILL')));
  tmp.cleanup();
});

const start = async () => {
  const relay = await startRelay(['--port', '0', '--db', db, '--admin-key', ADMIN]);
  running.push(relay);
  return relay;
};

const issue = async (base: string, userId: string): Promise<string> => {
  const res = await fetch(`${base}/admin/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ userId, ttlSeconds: 3600 }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { token: string }).token;
};

/** mulberry32: a tiny seeded PRNG so a failing kill moment can be replayed with PARLEY_TEST_SEED. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const listAll = async (base: string, token: string, threadId: string) => {
  const messages: { id: string; type: string; content: { message?: string } }[] = [];
  let link: string | undefined =
    `${base}/chat/threads/${threadId}/messages?maxPageSize=200&api-version=2025-03-15`;
  while (link) {
    const res = await fetch(link, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { value: typeof messages; nextLink?: string };
    messages.push(...body.value);
    link = body.nextLink;
  }
  return messages;
};

describe('crash safety', () => {
  it('after SIGKILL every acknowledged message is listed, and re-POSTs with the same repeatability id add nothing', async () => {
    const seed = Number(process.env.PARLEY_TEST_SEED ?? Date.now() % 1_000_000);
    const random = prng(seed);
    const context = `seed ${seed} (rerun with PARLEY_TEST_SEED=${seed})`;

    const first = await start();
    const tokens = Object.fromEntries(
      await Promise.all(USERS.map(async (u) => [u, await issue(first.url, u)])),
    );
    const created = await acs(first.url, tokens.ann, 'POST', '/chat/threads', {
      topic: 'crash',
      participants: USERS.slice(1).map((u) => ({
        communicationIdentifier: { rawId: u, communicationUser: { id: u } },
      })),
    });
    expect(created.status).toBe(201);
    const threadId: string = created.json.chatThread.id;

    const attempted: { user: string; key: string; content: string }[] = [];
    const acknowledged = new Map<string, string>(); // key → message id
    let killed = false;
    const client = async (user: string) => {
      for (let i = 0; !killed; i++) {
        const key = `${user}-${i}-${seed}`;
        const attempt = { user, key, content: `${user} #${i}` };
        attempted.push(attempt);
        try {
          const res = await acs(
            first.url,
            tokens[user],
            'POST',
            `/chat/threads/${threadId}/messages`,
            {
              content: attempt.content,
            },
            { 'repeatability-request-id': key },
          );
          if (res.status === 201) acknowledged.set(key, res.json.id);
        } catch {
          return; // the relay is gone
        }
      }
    };
    const clients = USERS.map(client);
    // Kill at a random moment once the clients are well under way (however slow the machine is).
    while (acknowledged.size < USERS.length && first.child.exitCode === null)
      await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 1000)));
    killed = true;
    expect(await first.stop('SIGKILL'), context).toEqual({ code: null, signal: 'SIGKILL' });
    await Promise.all(clients);
    expect(acknowledged.size, `${context}: nothing was acknowledged before the kill`).toBeGreaterThan(0);

    const second = await start();
    const listed = await listAll(second.url, tokens.ann, threadId);
    const listedIds = new Set(listed.map((m) => m.id));
    const lost = [...acknowledged].filter(([, id]) => !listedIds.has(id));
    expect(lost, `${context}: acknowledged but missing after restart`).toEqual([]);

    // Retry every attempt, acknowledged or cut off by the kill, with its repeatability id.
    for (const attempt of attempted) {
      const res = await acs(
        second.url,
        tokens[attempt.user],
        'POST',
        `/chat/threads/${threadId}/messages`,
        {
          content: attempt.content,
        },
        { 'repeatability-request-id': attempt.key },
      );
      expect(res.status, context).toBe(201);
      const firstId = acknowledged.get(attempt.key);
      if (firstId) expect(res.json.id, `${context}: retry of ${attempt.key}`).toBe(firstId);
    }
    const after = await listAll(second.url, tokens.ann, threadId);
    const texts = after.filter((m) => m.type === 'text').map((m) => m.content.message);
    expect(new Set(texts).size, `${context}: duplicates after retries`).toBe(texts.length);
    expect(texts.length, context).toBe(attempted.length);
    expect(await second.stop(), context).toEqual({ code: 0, signal: null });
  });
});
