import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MessageRecord } from '@parley/model';
import { createHmacTokens } from '@parley/relay';
import { randomId } from '@parley/model';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_KEY,
  BIN,
  buildSample,
  parley as sub,
  parleyInProcess as parley,
  SECRET,
  type Sample,
} from './fixture.ts';

let s: Sample;
beforeAll(async () => {
  s = await buildSample();
}, 60_000);
afterAll(async () => {
  await s?.stop();
});

const json = <T>(r: { code: number; stdout: string; stderr: string }): T => {
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(r.stdout) as T;
};
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at /);

describe('reading a relay database', () => {
  it('threads lists every thread with counts and sizes, the deleted one marked', async () => {
    const threads = json<
      {
        id: string;
        messages: number;
        pages: number;
        members: number;
        storedBytes: number;
        deletedOn: string | null;
      }[]
    >(await sub(['threads', '--db', s.copyPath, '--json']));
    const a = threads.find((t) => t.id === s.threadId);
    const b = threads.find((t) => t.id === s.deletedThreadId);
    expect(a).toMatchObject({ members: 3, messages: 16, deletedOn: null });
    expect(a?.pages).toBeGreaterThanOrEqual(3);
    expect(a?.storedBytes).toBeGreaterThan(0);
    expect(b).toMatchObject({ members: 0, messages: 0, pages: 0, storedBytes: 0 });
    expect(b?.deletedOn).toEqual(expect.any(String));

    const byUser = json<{ id: string }[]>(
      await parley(['threads', '--db', s.copyPath, '--json', '--user', 'carol']),
    );
    expect(byUser.map((t) => t.id)).toEqual([s.threadId]);
    const live = json<{ id: string }[]>(await parley(['threads', '--db', s.copyPath, '--json', '--live']));
    expect(live.map((t) => t.id)).toEqual([s.threadId]);
    const future = json<unknown[]>(
      await parley(['threads', '--db', s.copyPath, '--json', '--since', '2999-01-01']),
    );
    expect(future).toEqual([]);

    const text = await parley(['threads', '--db', s.copyPath]);
    expect(text.code).toBe(0);
    const [header, ...rows] = text.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+TOPIC\s+MEMBERS\s+MESSAGES\s+PAGES\s+LAST ACTIVITY\s+STORED\s+DELETED$/);
    // aligned: every row's MEMBERS column ends where the header's does
    const end = header!.indexOf('MEMBERS') + 'MEMBERS'.length;
    for (const row of rows) expect(row[end - 1]).toMatch(/\d/);
    expect(text.stdout).not.toContain('\u001b['); // no colour off a terminal
  });

  it('thread shows members with role, fromSeq and generation, pages with seq ranges, receipts and state vectors', async () => {
    const r = json<{
      members: { id: string; role: string; fromSeq: number; generation: number }[];
      pages: { page: number; firstSeq: number; lastSeq: number; count: number }[];
      receipts: { userId: string }[];
      docs: { name: string; stateVector: Record<string, number> }[];
    }>(await sub(['thread', s.threadId, '--db', s.copyPath, '--json']));
    expect(r.members.map((m) => [m.id, m.role, m.fromSeq, m.generation])).toEqual([
      ['alice', 'owner', 1, 1],
      ['bob', 'member', 1, 1],
      ['carol', 'member', s.carolFromSeq, 1],
    ]);
    expect(s.carolFromSeq).toBeGreaterThan(1);
    expect(r.pages.map((p) => [p.firstSeq, p.lastSeq])).toEqual([
      [1, 5],
      [6, 10],
      [11, 15],
      [16, 16],
    ]);
    expect(r.receipts.map((x) => x.userId)).toEqual(['carol']);
    expect(r.docs.map((d) => d.name)).toEqual([
      `thread:${s.threadId}`,
      ...r.pages.map((p) => `thread:${s.threadId}:${p.page}`),
    ]);
    for (const d of r.docs) expect(Object.keys(d.stateVector).length).toBeGreaterThan(0);

    const text = await parley(['thread', s.threadId, '--db', s.copyPath]);
    expect(text.stdout).toMatch(/Members\n\s+USER\s+NAME\s+ROLE\s+FROM SEQ\s+GEN/);
    expect(text.stdout).toMatch(new RegExp(`carol\\s+carol\\s+member\\s+${s.carolFromSeq}\\s+1`));
  });

  it('messages lists in sequenceId order with the deleted message erased; --from-seq, --limit, --ndjson', async () => {
    const all = json<{ messages: MessageRecord[] }>(
      await sub(['messages', s.threadId, '--db', s.copyPath, '--json']),
    ).messages;
    expect(all.map((m) => m.seq)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    const deleted = all.find((m) => m.id === s.deletedMessageId);
    expect(deleted).toMatchObject({ content: '', deletedOn: expect.any(String) });
    for (const c of [...s.hiddenContents, 'VISIBLE-0 (edited)', 'VISIBLE-5'])
      expect(all.some((m) => m.content === c)).toBe(true);

    const ndjson = await parley([
      'messages',
      s.threadId,
      '--db',
      s.copyPath,
      '--ndjson',
      '--from-seq',
      '6',
      '--limit',
      '3',
    ]);
    const lines = ndjson.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as MessageRecord);
    expect(lines.map((m) => m.seq)).toEqual([6, 7, 8]);

    const text = await parley(['messages', s.threadId, '--db', s.copyPath]);
    expect(text.stdout).toMatch(/\(deleted\)/);
  });

  it('messages --as shows exactly what a restricted member may receive', async () => {
    const asCarol = json<{ as: { fromSeq: number }; messages: MessageRecord[] }>(
      await sub(['messages', s.threadId, '--as', 'carol', '--db', s.copyPath, '--json']),
    );
    expect(asCarol.as.fromSeq).toBe(s.carolFromSeq);
    expect(asCarol.messages.map((m) => m.seq)).toEqual(
      Array.from({ length: 16 - s.carolFromSeq + 1 }, (_, i) => i + s.carolFromSeq),
    );
    const raw = JSON.stringify(asCarol);
    for (const c of s.hiddenContents) expect(raw).not.toContain(c);
    expect(raw).toContain('VISIBLE-0 (edited)');
    // bob sees everything
    const asBob = json<{ messages: MessageRecord[] }>(
      await parley(['messages', s.threadId, '--as', 'bob', '--db', s.copyPath, '--json']),
    );
    expect(asBob.messages).toHaveLength(16);

    const stranger = await sub(['messages', s.threadId, '--as', 'mallory', '--db', s.copyPath]);
    expect(stranger.code).toBe(1);
    expect(stranger.stderr).toMatch(/mallory is not a member/);
    const deletedThread = await parley(['messages', s.deletedThreadId, '--as', 'bob', '--db', s.copyPath]);
    expect(deletedThread.code).toBe(1);
    expect(deletedThread.stderr).toMatch(/was deleted/);
  });

  it('doc and log decode the Yjs structure and the update log', async () => {
    const page = `thread:${s.threadId}:1`;
    const doc = json<{
      roots: { name: string; kind: string; entries: number }[];
      structs: { items: number; clients: unknown[] };
      deleteSet: { ranges: number };
      storage: { updates: number; compactedBytes: number; compactionSaves: number };
    }>(await parley(['doc', page, '--db', s.copyPath, '--json']));
    expect(doc.roots).toEqual([{ name: 'messages', kind: 'map', entries: 5 }]);
    expect(doc.structs.items).toBeGreaterThan(0);
    expect(doc.deleteSet.ranges).toBeGreaterThan(0); // the edit replaced content
    expect(doc.storage.updates).toBeGreaterThan(1);
    expect(doc.storage.compactedBytes).toBeGreaterThan(0);

    const log = json<{
      entries: { id: number; at: string; summary: { bytes: number; changed: string[] } }[];
    }>(await parley(['log', page, '--db', s.copyPath, '--json']));
    expect(log.entries.length).toBe(doc.storage.updates);
    expect(
      log.entries.some((e) => e.summary.changed.some((c) => /^messages\.[^{]+\{.*content.*\}$/.test(c))),
    ).toBe(true);
    const text = await parley(['log', `thread:${s.threadId}`, '--db', s.copyPath]);
    expect(text.stdout).toMatch(/meta\{[^}]*lastSeq/);

    const missing = await parley(['doc', 'thread:nosuchthread123', '--db', s.copyPath]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No document named thread:nosuchthread123/);
  });

  it('reading never writes: the file is byte-identical after every read command', async () => {
    const path = s.copy('readonly');
    const before = sha(path);
    for (const args of [
      ['threads'],
      ['thread', s.threadId],
      ['messages', s.threadId, '--as', 'carol'],
      ['doc', `thread:${s.threadId}`],
      ['verify'],
      ['export', s.threadId],
    ])
      expect((await parley([...args, '--db', path])).code).toBe(0);
    expect(sha(path)).toBe(before);
  });
});

describe('errors', () => {
  it('name what was wrong, exit non-zero and print no stack trace', async () => {
    const textFile = join(s.dir, 'notes.txt');
    writeFileSync(textFile, 'hello\n');
    const cases: [string[], RegExp, number][] = [
      [['threads', '--db', join(s.dir, 'nope.db')], /no such file: .*nope\.db/, 1],
      [['threads', '--db', textFile], /not a Parley database/, 1],
      [['thread', 'NoSuchThread123', '--db', s.copyPath], /No thread with id NoSuchThread123/, 1],
      [['threads'], /give --db <file>/, 2],
      [['messages', s.threadId, '--db', s.copyPath, '--limit', 'x'], /--limit must be an integer/, 2],
      [['threads', '--db', s.copyPath, '--bogus'], /Unknown option '--bogus'/, 2],
      [['frobnicate'], /unknown command "frobnicate"/, 2],
      [['threads', '--url', s.url, '--admin-key', 'wrong'], /admin key is missing or wrong/, 1],
      [['threads', '--url', 'http://127.0.0.1:1', '--admin-key', 'x'], /cannot reach the relay/, 1],
    ];
    // The first four through a real process (no stack trace on its stderr), the rest in process.
    const results = await Promise.all(cases.map(([args], i) => (i < 4 ? sub(args) : parley(args))));
    results.forEach((r, i) => {
      const [args, message, code] = cases[i]!;
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.code, args.join(' ')).toBe(code);
      noStack(r.stderr);
    });
  });

  it('--help works on every command', async () => {
    const names = [
      'threads',
      'thread',
      'messages',
      'doc',
      'log',
      'verify',
      'compact',
      'export',
      'import',
      'watch',
      'token',
    ];
    const results = await Promise.all([sub(['--help']), ...names.map((n) => parley([n, '--help']))]);
    expect(results[0]?.stdout).toMatch(/Commands:/);
    names.forEach((n, i) => {
      expect(results[i + 1]?.code).toBe(0);
      expect(results[i + 1]?.stdout).toContain(`Usage: parley ${n}`);
    });
  });
});

describe('a running relay (--url) gives what the file gives', () => {
  it('thread, messages --as and verify are the same JSON through the admin API and from the live file', async () => {
    const url = ['--url', s.url, '--admin-key', ADMIN_KEY];
    const db = ['--db', s.livePath];
    for (const args of [
      ['thread', s.threadId],
      ['messages', s.threadId, '--as', 'carol'],
      ['threads'],
      ['verify'],
      ['log', `thread:${s.threadId}:2`],
    ]) {
      const [viaUrl, viaDb] = await Promise.all([
        parley([...args, ...url, '--json']),
        parley([...args, ...db, '--json']),
      ]);
      expect(json(viaUrl), args.join(' ')).toEqual(json(viaDb));
    }
  });
});

describe('usage', () => {
  it('counts the messages sent per day, per thread and per user, the same from the file and the relay', async () => {
    const range = ['--from', '2000-01-01T00:00:00Z', '--to', '2100-01-01T00:00:00Z', '--json'];
    const [viaDb, viaUrl] = await Promise.all([
      parley(['usage', '--db', s.livePath, ...range]),
      parley(['usage', '--url', s.url, '--admin-key', ADMIN_KEY, ...range]),
    ]);
    const report = json<{
      total: number;
      byThread: { threadId: string; messages: number }[];
      byUser: { userId: string; messages: number }[];
    }>(viaDb);
    expect(json(viaUrl)).toEqual(report);
    // The live thread's text messages are all counted; system messages are not usage.
    const inThread = report.byThread
      .filter((e) => e.threadId === s.threadId)
      .reduce((n, e) => n + e.messages, 0);
    expect(inThread).toBe(s.hiddenContents.length + s.visibleContents.length);
    expect(report.byUser.reduce((n, e) => n + e.messages, 0)).toBe(report.total);
    const text = await parley(['usage', '--db', s.livePath, '--from', '2000-01-01', '--to', '2100-01-01']);
    expect(text.stdout).toMatch(/DAY\s+THREAD\s+MESSAGES/);
  });
});

describe('verify', () => {
  it('exits 0 on a consistent database', async () => {
    const r = await sub(['verify', '--db', s.copyPath]);
    expect(r.stdout).toMatch(/OK: 2 threads/);
    expect(r.code).toBe(0);
  });

  it('detects a corrupted snapshot', async () => {
    const path = s.copy('snapshot');
    expect((await parley(['compact', s.threadId, '--db', path])).code).toBe(0);
    const page = `thread:${s.threadId}:1`;
    const db = new Database(path);
    const { snapshot } = db.prepare('SELECT snapshot FROM docs WHERE name = ?').get(page) as {
      snapshot: Buffer;
    };
    db.prepare('UPDATE docs SET snapshot = ? WHERE name = ?').run(
      snapshot.subarray(0, Math.floor(snapshot.length / 2)),
      page,
    );
    db.close();
    const r = await sub(['verify', '--db', path]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(new RegExp(`doc-damaged\\s+${page}: snapshot`));
    noStack(r.stdout + r.stderr);
  });

  it('detects a missing update in a log', async () => {
    const path = s.copy('missing');
    const page = `thread:${s.threadId}:0`;
    const db = new Database(path);
    const ids = (
      db.prepare('SELECT id FROM doc_updates WHERE doc = ? ORDER BY id').all(page) as { id: number }[]
    ).map((r) => r.id);
    expect(ids.length).toBeGreaterThan(2);
    db.prepare('DELETE FROM doc_updates WHERE id = ?').run(ids[1]);
    db.close();
    const r = json<{ ok: boolean; problems: { kind: string; subject: string; message: string }[] }>({
      ...(await sub(['verify', '--db', path, '--json'])),
      code: 0,
    });
    expect(r.ok).toBe(false);
    expect(r.problems).toContainEqual(
      expect.objectContaining({
        kind: 'doc-damaged',
        subject: page,
        message: expect.stringMatching(/missing update/),
      }),
    );
    expect((await sub(['verify', '--db', path])).code).toBe(3);
  });

  it('detects an index row that points nowhere', async () => {
    const path = s.copy('index');
    const db = new Database(path);
    db.prepare(
      `INSERT INTO messages (thread_id, message_id, page, seq, sender, type, priority, created_on, deleted_on)
       VALUES (?, ?, 1, 999, 'alice', 'text', 'normal', ?, NULL)`,
    ).run(s.threadId, 'ghost-message-id', new Date().toISOString());
    db.close();
    const r = await sub(['verify', s.threadId, '--db', path]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(
      /index-row-dangling\s+\S+: index row ghost-message-id \(seq 999, page 1\) points nowhere/,
    );
  });
});

describe('operator tools', () => {
  it('export and import round-trip a thread byte-exactly, and import refuses a duplicate', async () => {
    const exported = await sub(['export', s.threadId, '--db', s.copyPath]);
    expect({ code: exported.code, stderr: exported.stderr }).toEqual({ code: 0, stderr: '' });
    const file = join(s.dir, 'thread.json');
    writeFileSync(file, exported.stdout);
    const target = join(s.dir, `imported-${randomId(6)}.db`);
    const imported = await sub(['import', file, '--db', target]);
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toMatch(/imported thread/);
    const again = await sub(['export', s.threadId, '--db', target]);
    expect(again.stdout).toBe(exported.stdout);
    expect((await parley(['verify', '--db', target])).code).toBe(0);
    const twice = await sub(['import', file, '--db', target]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/already exists/);
  });

  it('compact folds logs into snapshots without changing what the thread holds', async () => {
    const path = s.copy('compact');
    const before = await parley(['messages', s.threadId, '--db', path, '--json']);
    const r = json<{ name: string; foldedUpdates: number; afterBytes: number; beforeBytes: number }[]>(
      await parley(['compact', '--db', path, '--json']),
    );
    expect(r.some((x) => x.foldedUpdates > 0)).toBe(true);
    const doc = json<{ storage: { updates: number; snapshotBytes: number } }>(
      await parley(['doc', `thread:${s.threadId}`, '--db', path, '--json']),
    );
    expect(doc.storage).toMatchObject({ updates: 0 });
    expect(doc.storage.snapshotBytes).toBeGreaterThan(0);
    expect((await parley(['messages', s.threadId, '--db', path, '--json'])).stdout).toBe(before.stdout);
    expect((await sub(['verify', '--db', path])).code).toBe(0);
  });

  it('token signs with the secret the relay keeps in its database, or asks the relay', async () => {
    const verify = createHmacTokens({ secret: SECRET }).verify;
    const fromDb = await sub(['token', '--user', 'alice', '--name', 'Alice', '--db', s.copyPath]);
    expect(fromDb.code).toBe(0);
    expect(await verify(fromDb.stdout.trim())).toMatchObject({ userId: 'alice', displayName: 'Alice' });
    const fromUrl = json<{ token: string }>(
      await parley(['token', '--user', 'bob', '--url', s.url, '--admin-key', ADMIN_KEY, '--json']),
    );
    expect(await verify(fromUrl.token)).toMatchObject({ userId: 'bob' });
  });

  it('watch syncs a doc like a client and prints each change as it happens', async () => {
    const child = spawn(
      process.execPath,
      [
        BIN,
        'watch',
        `thread:${s.threadId}:3`,
        '--url',
        s.url,
        '--user',
        'carol',
        '--admin-key',
        ADMIN_KEY,
        '--count',
        '1',
      ],
      {
        env: { ...process.env, NO_COLOR: '1' },
      },
    );
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const synced = new Promise<void>((resolve) =>
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('synced')) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await synced;
    await s.relay.operations.apply(
      { userId: 'bob', displayName: 'Bob', scope: 'chat' },
      {
        type: 'sendMessage',
        threadId: s.threadId,
        messageId: randomId(),
        content: 'WATCHED-LIVE',
        messageType: 'text',
      },
    );
    expect(await exited).toBe(0);
    expect(err).toBe('');
    expect(out).toMatch(/synced thread:\S+:3/);
    expect(out).toMatch(/messages\.\S+ = .*WATCHED-LIVE/);
  });
});
