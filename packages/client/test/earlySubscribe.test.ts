import { headDocName, userDocName } from '@parley/model';
import { decodeFrame, type Frame, MessageType } from '@parley/protocol';
import { afterEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type ChatClient, createMemoryStorage, type WebSocketConstructor } from '../src/index.ts';
import { type RelayHarness, startRelay, until } from './relayHarness.ts';

/** A `ws` client socket that records what it sends, and whether anything had arrived by then. */
class RecordingSocket extends WebSocket {
  static sockets: RecordingSocket[] = [];
  readonly sent: { frame: Frame; beforeAnyReply: boolean }[] = [];
  received = 0;
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols);
    RecordingSocket.sockets.push(this);
    this.on('message', () => {
      this.received++;
    });
  }
  override send(data: never, ...rest: never[]): void {
    const bytes = new Uint8Array(data as ArrayBufferLike);
    this.sent.push({
      frame: decodeFrame(bytes, { maxFrameBytes: 1 << 24, maxNameBytes: 512 }),
      beforeAnyReply: this.received === 0,
    });
    (super.send as (...a: unknown[]) => void)(data, ...rest);
  }
}

let h: RelayHarness | undefined;
const clients: ChatClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close().catch(() => undefined);
  await h?.close();
  h = undefined;
  RecordingSocket.sockets = [];
});

/** Alice with a thread shared with bob, both connected; alice's sockets are recorded. */
const setup = async (harness: RelayHarness) => {
  const alice = harness.client('alice', createMemoryStorage(), {
    WebSocket: RecordingSocket as unknown as WebSocketConstructor,
  });
  const bob = harness.client('bob', createMemoryStorage());
  clients.push(alice, bob);
  const synced = new Set<string>();
  alice.on('syncStateChanged', (e) => {
    if (e.state === 'synced') synced.add(e.docName);
  });
  await alice.startRealtimeNotifications();
  const { chatThread } = await alice.createChatThread(
    { topic: 'early' },
    { participants: [{ id: { communicationUserId: 'bob' } }] },
  );
  const threadId = chatThread!.id;
  const received: string[] = [];
  alice.on('chatMessageReceived', (e) => received.push(e.message));
  // Alice holds the thread's head before her connection is cut.
  await until(() => synced.has(headDocName(threadId)), 10_000, "alice's head synced");
  return { alice, bob, threadId, received };
};

/** The first open socket made after the first `after` ones that has had an answer. */
const authenticated = async (after: number): Promise<RecordingSocket> =>
  (await until(
    () => RecordingSocket.sockets.slice(after).find((s) => s.received > 0 && s.readyState === WebSocket.OPEN),
    10_000,
    'an authenticated socket',
  ))!;

/** Cuts alice's connection and returns the socket she authenticates on next. */
const reconnect = async (): Promise<{ socket: RecordingSocket; before: number }> => {
  const current = await authenticated(0);
  const before = RecordingSocket.sockets.length;
  current.terminate();
  return { socket: await authenticated(before), before };
};

it('a reconnecting client subscribes its docs behind the Auth frame, and they sync', async () => {
  h = await startRelay();
  const { bob, threadId, received } = await setup(h);
  const { socket } = await reconnect();

  const early = socket.sent.filter((s) => s.beforeAnyReply).map((s) => [s.frame.type, s.frame.docName]);
  expect(early[0]).toEqual([MessageType.Auth, '']);
  for (const doc of [userDocName('alice'), headDocName(threadId)]) {
    const i = early.findIndex(([type, name]) => type === MessageType.Subscribe && name === doc);
    expect(i).toBeGreaterThan(0);
    // Sync step 1 right behind each Subscribe.
    expect(early[i + 1]).toEqual([MessageType.Sync, doc]);
  }
  // Nothing was subscribed twice once the AuthResult arrived.
  const subscribes = socket.sent
    .filter((s) => s.frame.type === MessageType.Subscribe)
    .map((s) => s.frame.docName);
  expect(new Set(subscribes).size).toBe(subscribes.length);

  await bob.getChatThreadClient(threadId).sendMessage({ content: 'after the reconnect' });
  await until(() => received.includes('after the reconnect'), 10_000, 'the message on the new socket');
});

it('a relay that closes a session for frames before auth gets none on the next attempt', async () => {
  h = await startRelay(undefined, { sessionLimits: { maxPreAuthFrames: 1 } });
  const { bob, threadId, received } = await setup(h);
  const { socket, before } = await reconnect();

  // The attempt that sent early frames was closed before it authenticated; the one that worked
  // sent its Auth frame alone first.
  const refused = RecordingSocket.sockets.slice(before, RecordingSocket.sockets.indexOf(socket));
  expect(refused.some((s) => s.sent.filter((x) => x.beforeAnyReply).length > 1)).toBe(true);
  expect(socket.sent.filter((s) => s.beforeAnyReply).map((s) => s.frame.type)).toEqual([MessageType.Auth]);

  await bob.getChatThreadClient(threadId).sendMessage({ content: 'after the fallback' });
  await until(() => received.includes('after the fallback'), 10_000, 'the message after the fallback');
});
