import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyWebhookSignature } from '@parley/relay';
import { afterAll, expect, it } from 'vitest';
import { startReceiver, type WebhookReceiver, waitFor } from './webhooksReceiver.ts';

const BIN = fileURLToPath(new URL('../../../apps/relay/bin/parley-relay.js', import.meta.url));
const ADMIN = 'admin-key-for-the-crash-test';
const SECRET = 'whsec-crash-0123456789';
const MESSAGES = 20;

const dir = mkdtempSync(join(tmpdir(), 'parley-webhooks-crash-'));
let receiver: WebhookReceiver | undefined;
let child: ChildProcess | undefined;
afterAll(async () => {
  child?.kill('SIGKILL');
  await receiver?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the real binary and resolves with its URL once it listens. */
const startBinary = (args: string[]): Promise<{ url: string; child: ChildProcess }> =>
  new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PARLEY_')) env[k] = v;
    const proc = spawn(process.execPath, [BIN, 'serve', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the relay did not start:\n${out}`)), 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /parley-relay listening on (\S+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ url: match[1], child: proc });
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`the relay exited with ${code}:\n${out}`)));
  });

const kill9 = (proc: ChildProcess) =>
  new Promise<void>((resolve) => {
    proc.once('exit', () => resolve());
    proc.kill('SIGKILL');
  });

it('after a SIGKILL mid-backlog and a restart, every event arrives, signed, duplicates with the same id', async () => {
  let accepting: 'none' | 'some' | 'all' = 'none';
  // While sending: refuse everything (a backlog builds up); then accept one POST in three until the
  // crash; after the restart accept everything.
  const t0 = Date.now();
  const phase = (name: string) => console.log(`webhooks crash test: ${name} at ${Date.now() - t0} ms`);
  receiver = await startReceiver({
    answerPost: (n) => (accepting === 'all' || (accepting === 'some' && n % 3 === 0) ? 200 : 503),
  });
  const config = join(dir, 'parley.json');
  writeFileSync(
    config,
    JSON.stringify({
      webhooks: [
        { id: 'crash', url: receiver.url, secret: SECRET, eventTypes: ['ChatMessageReceivedInThread'] },
      ],
      webhookDelivery: { timeoutMs: 1000, backoffBaseMs: 100, backoffMaxMs: 400, pollMs: 50, concurrency: 2 },
    }),
  );
  const args = ['--port', '0', '--db', join(dir, 'relay.db'), '--config', config, '--admin-key', ADMIN];
  args.push('--log-level', 'silent');

  const first = await startBinary(args);
  child = first.child;
  phase('started');
  const tokenRes = await fetch(`${first.url}/admin/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ userId: 'alice' }),
  });
  const { token } = (await tokenRes.json()) as { token: string };
  const acs = (path: string, body: unknown) =>
    fetch(`${first.url}${path}?api-version=2025-03-15`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const created = await acs('/chat/threads', { topic: 'crash' });
  const threadId = ((await created.json()) as { chatThread: { id: string } }).chatThread.id;
  const sent: string[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    const res = await acs(`/chat/threads/${threadId}/messages`, { content: `message ${i}` });
    expect(res.status).toBe(201);
    sent.push(((await res.json()) as { id: string }).id);
  }
  phase('sent');
  accepting = 'some';
  const delivered = () => new Set(receiver!.accepted().map((e) => e.data.messageId as string));
  await waitFor(() => delivered().size >= 3, 'some deliveries before the crash');
  const beforeCrash = delivered().size;
  expect(beforeCrash).toBeLessThan(MESSAGES); // mid-backlog
  await kill9(child);

  phase('killed');
  accepting = 'all';
  const second = await startBinary(args);
  child = second.child;
  phase('restarted');
  await waitFor(() => delivered().size === MESSAGES, `all ${MESSAGES} messages delivered`, 60_000);
  phase('all delivered');
  expect([...delivered()].sort()).toEqual([...sent].sort());

  const posts = receiver.requests.filter((r) => r.method === 'POST');
  const idsByMessage = new Map<string, Set<string>>();
  const bodyById = new Map<string, string>();
  for (const p of posts) {
    expect(verifyWebhookSignature(SECRET, p.body, p.headers['webhook-signature'] as string)).toBe(true);
    const event = JSON.parse(p.body) as { id: string; data: { messageId: string } };
    const ids = idsByMessage.get(event.data.messageId) ?? new Set();
    ids.add(event.id);
    idsByMessage.set(event.data.messageId, ids);
    if (bodyById.has(event.id)) expect(p.body).toBe(bodyById.get(event.id));
    bodyById.set(event.id, p.body);
  }
  // Every message has exactly one event id, however often it was attempted, across the crash.
  for (const ids of idsByMessage.values()) expect(ids.size).toBe(1);
  expect(posts.length).toBeGreaterThan(MESSAGES);
  console.log(
    `webhooks crash test: ${MESSAGES} events, ${beforeCrash} delivered before SIGKILL, ${posts.length} POSTs in all, none lost`,
  );
  await kill9(child);
  child = undefined;
}, 120_000);
