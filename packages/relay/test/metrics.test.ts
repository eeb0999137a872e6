import { spawnSync } from 'node:child_process';
import { headDocName } from '@parley/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from './harness.ts';
import { WireClient } from './wireClient.ts';

const METRICS_TOKEN = 'metrics-token-for-tests';
const SECRET_CONTENT = 'the quiet brown fox never appears in logs';

/** One sample of the text exposition: name, labels, value. */
interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/**
 * A strict reader of the Prometheus text exposition format 0.0.4: every line is a HELP or TYPE
 * comment or a sample `name{label="value",…} number`, and every sample belongs to a declared family.
 */
const parseExposition = (text: string): Sample[] => {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') {
        expect(['counter', 'gauge', 'histogram', 'summary', 'untyped']).toContain(meta[3]);
        types.set(meta[2]!, meta[3]!);
      }
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/.exec(line);
    if (!m) throw new Error(`not a valid exposition line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    for (const pair of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[pair[1]!] = pair[2]!;
    const name = m[1]!;
    const family = name.replace(/_(bucket|sum|count)$/, '');
    if (!types.has(name) && !types.has(family)) throw new Error(`sample ${name} has no TYPE`);
    samples.push({ name, labels, value: Number(m[3]) });
  }
  return samples;
};

const value = (samples: Sample[], name: string, labels: Record<string, string> = {}): number =>
  samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0);

let relay: TestRelay;
const lines: Record<string, unknown>[] = [];
beforeAll(async () => {
  relay = await startTestRelay({
    metricsToken: METRICS_TOKEN,
    logger: { info: (fields) => lines.push(structuredClone(fields)) },
  });
});
afterAll(async () => {
  await relay?.stop();
});

const scrape = async (): Promise<{ text: string; samples: Sample[] }> => {
  const res = await fetch(`${relay.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  return { text, samples: parseExposition(text) };
};

const acs = async (token: string, method: string, path: string, body?: unknown, headers = {}) =>
  fetch(`${relay.url}${path}?api-version=2025-03-15`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });

describe('/metrics and operation logs', () => {
  it('needs the metrics token', async () => {
    expect((await fetch(`${relay.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${relay.url}/metrics`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
  });

  it('parses as Prometheus text and its counters move as a session sends, edits and fails requests', async () => {
    const alice = await relay.token('alice', { displayName: 'Alice' });
    const bob = await relay.token('bob', { displayName: 'Bob' });
    const before = (await scrape()).samples;

    const created = await acs(alice, 'POST', '/chat/threads', {
      topic: 'Metrics',
      participants: [{ communicationIdentifier: { communicationUser: { id: 'bob' } } }],
    });
    expect(created.status).toBe(201);
    const threadId = ((await created.json()) as { chatThread: { id: string } }).chatThread.id;
    const sent = await acs(
      alice,
      'POST',
      `/chat/threads/${threadId}/messages`,
      { content: SECRET_CONTENT },
      {
        'x-ms-client-request-id': 'corr-0001',
      },
    );
    expect(sent.status).toBe(201);
    expect(sent.headers.get('x-correlation-id')).toBe('corr-0001');
    const messageId = ((await sent.json()) as { id: string }).id;
    expect(
      (
        await acs(alice, 'POST', `/chat/threads/${threadId}/messages`, {
          content: 'urgent',
          priority: 'high',
        })
      ).status,
    ).toBe(201);
    expect(
      (await acs(alice, 'PATCH', `/chat/threads/${threadId}/messages/${messageId}`, { content: 'edited' }))
        .status,
    ).toBe(204);
    // Failures: bob may not edit alice's message; an unknown thread; no token.
    expect(
      (await acs(bob, 'PATCH', `/chat/threads/${threadId}/messages/${messageId}`, { content: 'no' })).status,
    ).toBe(403);
    expect((await acs(alice, 'GET', '/chat/threads/thread-does-not-exist')).status).toBe(404);
    expect((await fetch(`${relay.url}/chat/threads`)).status).toBe(401);
    // A WebSocket session subscribing to the thread.
    const ws = await WireClient.connect(relay.url, bob);
    expect((await ws.subscribe(headDocName(threadId))).status).toBe('granted');

    const { text, samples: after } = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) =>
      value(after, name, labels) - value(before, name, labels);

    expect(delta('parley_api_requests_total', { operation: 'CreateChatThread', status: '201' })).toBe(1);
    expect(delta('parley_api_requests_total', { operation: 'SendChatMessage', status: '201' })).toBe(2);
    expect(delta('parley_api_requests_total', { operation: 'UpdateChatMessage', status: '204' })).toBe(1);
    expect(delta('parley_api_requests_total', { operation: 'UpdateChatMessage', status: '403' })).toBe(1);
    expect(delta('parley_api_requests_total', { operation: 'GetChatThread', status_class: '4xx' })).toBe(1);
    expect(delta('parley_api_requests_total', { operation: 'ListChatThreads', status: '401' })).toBe(1);
    expect(delta('parley_api_request_duration_seconds_count', { operation: 'SendChatMessage' })).toBe(2);
    expect(delta('parley_messages_sent_total', { type: 'text', priority: 'normal' })).toBe(1);
    expect(delta('parley_messages_sent_total', { type: 'text', priority: 'high' })).toBe(1);
    expect(delta('parley_ops_total', { type: 'sendMessage', result: 'accepted' })).toBe(2);
    expect(delta('parley_ops_total', { type: 'editMessage', result: 'accepted' })).toBe(1);
    expect(delta('parley_ops_total', { type: 'editMessage', result: 'NOT_SENDER' })).toBe(1);
    expect(delta('parley_store_commit_units_total')).toBeGreaterThanOrEqual(5);
    expect(delta('parley_store_commit_duration_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(value(after, 'parley_websocket_sessions')).toBe(1);
    expect(value(after, 'parley_websocket_subscriptions')).toBeGreaterThanOrEqual(1);
    expect(delta('parley_sync_bytes_total', { direction: 'out' })).toBeGreaterThan(0);
    expect(value(after, 'parley_loaded_docs')).toBeGreaterThan(0);
    expect(value(after, 'parley_loaded_doc_bytes')).toBeGreaterThan(0);
    expect(value(after, 'parley_webhook_outbox_depth')).toBe(0);
    ws.close();

    // promtool (Debian's prometheus package; CI installs it) lints the exposition too.
    const promtool = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    if (promtool.error) console.warn('promtool not found: skipping `promtool check metrics`');
    else expect(promtool.status, promtool.stdout + promtool.stderr).toBe(0);

    // One log line per request, with the fields an operator traces by; no content, no tokens.
    const send = lines.find((l) => l.correlationId === 'corr-0001')!;
    expect(send).toMatchObject({
      operation: 'SendChatMessage',
      resultCode: 'Success',
      status: 201,
      userId: 'alice',
      threadId,
      messageId,
      source: 'http',
    });
    expect(typeof send.durationMs).toBe('number');
    const refused = lines.find((l) => l.operation === 'UpdateChatMessage' && l.status === 403)!;
    expect(refused).toMatchObject({ resultCode: 'NOT_SENDER', userId: 'bob', threadId, messageId });
    expect(lines.find((l) => l.status === 401)).toMatchObject({
      operation: 'ListChatThreads',
      resultCode: 'UNAUTHORIZED',
    });
    const all = JSON.stringify(lines);
    expect(all).not.toContain(SECRET_CONTENT);
    expect(all).not.toContain(alice);
    expect(all).not.toContain(bob);
    expect(lines.filter((l) => l.source === 'http')).toHaveLength(7);
  });

  it('intents synced from a user doc get one `sync` line each and count in the op metrics', async () => {
    const before = (await scrape()).samples;
    const carol = await WireClient.connect(relay.url, await relay.token('carol', { displayName: 'Carol' }));
    await carol.subscribe('user:carol');
    const threadId = 'thread-sync-logs';
    expect((await carol.op({ type: 'createThread', threadId, topic: 'sync', participants: [] })).status).toBe(
      'accepted',
    );
    const messageId = 'message-sync-log-1';
    const sent = await carol.op({
      type: 'sendMessage',
      threadId,
      messageId,
      content: SECRET_CONTENT,
      messageType: 'text',
    });
    expect(sent.status).toBe('accepted');
    const refused = await carol.op({
      type: 'editMessage',
      threadId,
      messageId: 'message-missing-1',
      content: 'x',
    });
    expect(refused).toMatchObject({ status: 'rejected', code: 'MESSAGE_NOT_FOUND' });
    carol.close();

    const sync = lines.filter((l) => l.source === 'sync' && l.userId === 'carol');
    expect(sync.map((l) => [l.operation, l.resultCode])).toEqual([
      ['CreateChatThread', 'Success'],
      ['SendChatMessage', 'Success'],
      ['UpdateChatMessage', 'MESSAGE_NOT_FOUND'],
    ]);
    expect(sync[1]).toMatchObject({ threadId, messageId });
    expect(typeof sync[1]!.correlationId).toBe('string');
    expect(JSON.stringify(sync)).not.toContain(SECRET_CONTENT);
    const after = (await scrape()).samples;
    const delta = (labels: Record<string, string>) =>
      value(after, 'parley_ops_total', labels) - value(before, 'parley_ops_total', labels);
    expect(delta({ type: 'sendMessage', result: 'accepted' })).toBe(1);
    expect(delta({ type: 'editMessage', result: 'MESSAGE_NOT_FOUND' })).toBe(1);
  });
});
