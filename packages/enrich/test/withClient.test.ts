import { serve } from '@hono/node-server';
import { createChatClient, createMemoryStorage, type WebSocketConstructor } from '@parley/client';
import { createHmacTokens, createRelay } from '@parley/relay';
import { createMemoryStore } from '@parley/testing';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { annotationValue, createEnrichment, languageEnricher, sentimentEnricher } from '../src/index.ts';

/** The enrichment on a real ChatClient: incoming messages over a real relay, edits and deletes. */
const tokens = createHmacTokens({ secret: 'enrich-test-secret-of-32-bytes-or-more' });
const store = createMemoryStore();
const relay = createRelay({ store, verifyToken: tokens.verify });
let url = '';
let server: ReturnType<typeof serve>;

beforeAll(async () => {
  server = serve({ fetch: relay.app.fetch, port: 0, hostname: '127.0.0.1' });
  server.on('upgrade', relay.handleUpgrade);
  await new Promise<void>((resolve) =>
    server.listening ? resolve() : server.once('listening', () => resolve()),
  );
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await relay.close();
  (server as { closeAllConnections?: () => void }).closeAllConnections?.();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  store.close();
});

const client = (userId: string) =>
  createChatClient({
    url,
    token: () => tokens.sign({ userId, displayName: userId }),
    storage: createMemoryStorage(),
    WebSocket: WebSocket as unknown as WebSocketConstructor,
  });

const until = async (check: () => boolean, what: string) => {
  const end = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('enrichment on a Parley ChatClient', () => {
  it('annotates incoming messages, re-runs on edits and drops on deletes, never in thread docs', async () => {
    const alice = client('alice');
    const bob = client('bob');
    await bob.startRealtimeNotifications();
    const enrichment = createEnrichment({
      source: bob,
      enrichers: [sentimentEnricher(), languageEnricher()],
    });
    const { chatThread } = await alice.createChatThread(
      { topic: 'enrich' },
      { participants: [{ id: { communicationUserId: 'bob' } }] },
    );
    const thread = alice.getChatThreadClient(chatThread!.id);
    const { id } = await thread.sendMessage({
      content: 'I love this wonderful, amazing team and our great work together 🎉',
    });
    const score = () => annotationValue<{ score: number }>(enrichment.get(id), 'sentiment')?.score;
    await until(
      () => score() !== undefined && enrichment.get(id)?.pending.length === 0,
      'annotation of the new message',
    );
    expect(score()).toBeGreaterThan(0);
    expect(annotationValue<string>(enrichment.get(id), 'language')).toBe('eng');

    await thread.updateMessage(id, { content: 'This is terrible, awful and sad, I hate how bad it went 😞' });
    await until(() => (score() ?? 0) < 0, 'annotation re-run after the edit');

    await thread.deleteMessage(id);
    await until(() => enrichment.get(id) === undefined, 'annotation dropped after the delete');
    // Annotations are local: the relay's page doc holds no enrichment field.
    const listed = await relay.operations.listMessages(
      { userId: 'bob', displayName: 'bob', scope: 'chat' },
      chatThread!.id,
    );
    expect(JSON.stringify(listed.items)).not.toMatch(/sentiment|comparative/);
    enrichment.close();
    await alice.close();
    await bob.close();
  });
});
