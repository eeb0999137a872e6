import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createChatClient, createMemoryStorage } from '@parley/client';
import { newThreadId, randomId } from '@parley/model';
import { createHmacTokens, createRelay, type Relay } from '@parley/relay';
import { createSqliteStore } from '@parley/store-sqlite';
import WebSocket from 'ws';

export const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'parley.js');
export const ADMIN_KEY = 'cli-test-admin-key';
export const SECRET = 'cli-test-secret-cli-test-secret-0123456789';

/** Runs the CLI as a subprocess; never rejects (the exit status is part of the result). */
export const parley = (args: readonly string[], env: Record<string, string> = {}) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, NO_COLOR: '1', ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });

/** Runs the CLI in this process (same code as the binary, minus the process start). */
export const parleyInProcess = async (args: readonly string[]) => {
  const { runCli } = await import('../src/cli.ts');
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    write: (t) => {
      stdout += t;
    },
    err: (l) => {
      stderr += `${l}\n`;
    },
    color: false,
    env: {},
    interrupted: new Promise(() => undefined),
  });
  return { code, stdout, stderr };
};

/** What the sample relay holds, for assertions. */
export interface Sample {
  readonly dir: string;
  /** The running relay's own database file. */
  readonly livePath: string;
  /** A consistent copy (VACUUM INTO) taken while the relay ran: update logs not yet compacted. */
  readonly copyPath: string;
  readonly url: string;
  readonly relay: Relay;
  readonly store: ReturnType<typeof createSqliteStore>;
  readonly threadId: string;
  readonly deletedThreadId: string;
  /** Contents sent before carol's shareHistoryTime (she must never see them). */
  readonly hiddenContents: string[];
  /** Contents sent after it. */
  readonly visibleContents: string[];
  readonly deletedMessageId: string;
  readonly carolFromSeq: number;
  /** A fresh copy of `copyPath` to damage or write to. */
  readonly copy: (name: string) => string;
  stop(): Promise<void>;
}

const actor = (userId: string) => ({ userId, displayName: userId.toUpperCase(), scope: 'chat' as const });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A real relay on a real SQLite file with pageSize 5, driven through its operations (the code
 * behind its HTTP API) and the client SDK over a WebSocket: thread A with several pages, a member
 * added with partial history, an edited and a deleted message; thread B, deleted.
 */
export const buildSample = async (): Promise<Sample> => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-cli-'));
  const livePath = join(dir, 'relay.db');
  const store = createSqliteStore({ path: livePath });
  store.settings.set('auth.tokenSecret', SECRET); // as parley-relay keeps its generated secret
  const tokens = createHmacTokens({ secret: SECRET });
  const relay = createRelay({
    store,
    verifyToken: tokens.verify,
    adminKey: ADMIN_KEY,
    issueToken: (c) => tokens.sign(c),
    pageSize: 5,
    // Keep update logs as written (no idle compaction while the tests run).
    unloadAfterMs: 600_000,
    compactAfterUpdates: 1_000_000,
    onInternalError: (e) => console.error(e),
  });
  const server = serve({ fetch: relay.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  server.on('upgrade', relay.handleUpgrade);
  await new Promise<void>((resolve) =>
    server.listening ? resolve() : server.once('listening', () => resolve()),
  );
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const apply = async (userId: string, op: Parameters<Relay['operations']['apply']>[1]) => {
    const r = await relay.operations.apply(actor(userId), op);
    if (r.status !== 'accepted') throw new Error(`${op.type} rejected: ${r.reason}`);
    return r;
  };
  const send = (userId: string, threadId: string, content: string, messageId = randomId()) =>
    apply(userId, { type: 'sendMessage', threadId, messageId, content, messageType: 'text' }).then(
      () => messageId,
    );

  const threadId = newThreadId();
  await apply('alice', {
    type: 'createThread',
    threadId,
    topic: 'Design review',
    participants: [{ id: 'bob' }],
  });
  const hiddenContents: string[] = [];
  for (let i = 0; i < 6; i++) {
    const content = `HIDDEN-${i}-${randomId(6)}`;
    hiddenContents.push(content);
    await send('alice', threadId, content);
  }
  // bob writes through the client SDK, over the relay's WebSocket (intents in his user doc).
  const bob = createChatClient({
    url,
    token: () => tokens.sign({ userId: 'bob', displayName: 'Bob' }),
    storage: createMemoryStorage(),
    WebSocket: WebSocket as never,
  });
  const bobThread = bob.getChatThreadClient(threadId);
  for (let i = 0; i < 2; i++) {
    const content = `HIDDEN-bob-${i}-${randomId(6)}`;
    hiddenContents.push(content);
    const { id } = await bobThread.sendMessage({ content });
    for (let t = 0; !store.messages.get(threadId, id); t++) {
      if (t > 500) throw new Error('bob’s message never reached the relay');
      await sleep(10);
    }
  }
  await bob.close();
  await sleep(5);
  const T = new Date().toISOString();
  await sleep(5);
  const visibleContents: string[] = [];
  const visibleIds: string[] = [];
  for (let i = 0; i < 2; i++) {
    visibleContents.push(`VISIBLE-${i}`);
    visibleIds.push(await send('alice', threadId, `VISIBLE-${i}`));
  }
  await apply('alice', {
    type: 'addParticipants',
    threadId,
    participants: [{ id: 'carol', shareHistoryTime: T }],
  });
  for (let i = 2; i < 6; i++) {
    visibleContents.push(`VISIBLE-${i}`);
    visibleIds.push(await send(i % 2 ? 'bob' : 'alice', threadId, `VISIBLE-${i}`));
  }
  const deletedMessageId = visibleIds[1]!;
  await apply('alice', { type: 'deleteMessage', threadId, messageId: deletedMessageId });
  await apply('alice', {
    type: 'editMessage',
    threadId,
    messageId: visibleIds[0]!,
    content: 'VISIBLE-0 (edited)',
  });
  visibleContents[0] = 'VISIBLE-0 (edited)';
  await apply('carol', { type: 'sendReadReceipt', threadId, messageId: visibleIds[3]! });

  const deletedThreadId = newThreadId();
  await apply('bob', {
    type: 'createThread',
    threadId: deletedThreadId,
    topic: 'Short-lived',
    participants: [{ id: 'alice' }],
  });
  await send('bob', deletedThreadId, 'soon gone');
  await apply('bob', { type: 'deleteThread', threadId: deletedThreadId });

  const carolFromSeq = store.members.get(threadId, 'carol')?.fromSeq ?? 0;
  const copyPath = join(dir, 'copy.db');
  store.db.exec(`VACUUM INTO '${copyPath}'`);
  let n = 0;
  const copy = (name: string) => {
    const path = join(dir, `${name}-${n++}.db`);
    copyFileSync(copyPath, path);
    return path;
  };
  return {
    dir,
    livePath,
    copyPath,
    url,
    relay,
    store,
    threadId,
    deletedThreadId,
    hiddenContents,
    visibleContents,
    deletedMessageId,
    carolFromSeq,
    copy,
    stop: async () => {
      await relay.close();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
