import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createSqliteLocalStore,
  createSqliteStore,
  isParleyDatabase,
  parleyDatabaseKind,
  RELAY_APPLICATION_ID,
  relayMigrations,
} from '../src/index.ts';
import { BackgroundCheckpointer } from '../src/checkpointer.ts';
import { openDatabase } from '../src/openDatabase.ts';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const repoRoot = new URL('../../../', import.meta.url).pathname;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'parley-sqlite-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function runTs(script: string, args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
}

describe('an interrupted write', () => {
  for (const mode of ['inline', 'background'] as const) {
    for (const how of ['kill', 'exit'] as const) {
      it(`a process that dies (${how}) mid-transaction leaves the previous state intact (${mode} checkpoints)`, () => {
        const path = join(dir, 'relay.db');
        const child = runTs(fixture('interruptedWriter.ts'), [path, how, mode]);
        expect(child.stdout).toContain('inside');
        if (how === 'kill') expect(child.signal).toBe('SIGKILL');
        else expect(child.status).toBe(3);

        const store = createSqliteStore({ path });
        try {
          expect(store.settings.get('state')).toBe('committed');
          const loaded = store.docs.load('thread:abc');
          expect(loaded.snapshot).toBeNull();
          expect(loaded.updates.map((u) => [...u.update])).toEqual([[1]]);
          if (mode === 'background') {
            // Committed rows, some of them already copied into the file by the thread, are whole.
            const committed = store.docs.load('thread:committed').updates;
            expect(committed.map((u) => u.update[0])).toEqual(Array.from({ length: 300 }, (_, i) => i % 256));
            expect(store.docs.list()).toEqual(['thread:abc', 'thread:committed']);
          } else {
            expect(store.docs.list()).toEqual(['thread:abc']);
          }
          expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
        } finally {
          store.close();
        }
      });
    }
  }
});

describe('readonly', () => {
  let writer: ChildProcessWithoutNullStreams | undefined;
  afterEach(() => {
    writer?.kill('SIGKILL');
    writer = undefined;
  });

  it('opens while another process writes, sees its commits, and refuses to write', async () => {
    const path = join(dir, 'relay.db');
    createSqliteStore({ path }).close();
    writer = spawn(process.execPath, ['--import', 'tsx', fixture('steadyWriter.ts'), path, '200'], {
      cwd: repoRoot,
    });
    let out = '';
    const waitFor = (word: string) =>
      new Promise<void>((resolve, reject) => {
        if (out.includes(word)) return resolve();
        const onData = () => {
          if (out.includes(word)) {
            writer!.stdout.off('data', onData);
            resolve();
          }
        };
        writer!.stdout.on('data', onData);
        writer!.once('exit', (code) => reject(new Error(`writer exited early with ${code}`)));
      });
    writer.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    await waitFor('ready');
    // The writer is committing while this connection opens and reads.
    const reader = createSqliteStore({ path, readonly: true });
    try {
      const seen = Number(reader.settings.get('written'));
      expect(seen).toBeGreaterThanOrEqual(1);
      expect(seen).toBeLessThanOrEqual(200);
      await waitFor('done');
      // Still open in the writer: its commits live in the WAL, which the reader sees.
      expect(reader.settings.get('written')).toBe('200');
      expect(reader.docs.stats('thread:abc').updates).toBe(200);
      expect(() => reader.settings.set('x', 'y')).toThrow(/readonly/);
      expect(reader.schemaVersion).toBe(relayMigrations.length);
    } finally {
      reader.close();
    }
    writer.stdin.end();
  });

  it('sees the writes of a writer in the same process as they commit', () => {
    const path = join(dir, 'relay.db');
    const writer = createSqliteStore({ path });
    const reader = createSqliteStore({ path, readonly: true });
    try {
      writer.settings.set('k', '1');
      expect(reader.settings.get('k')).toBe('1');
      writer.transaction(() => {
        writer.settings.set('k', '2');
        expect(reader.settings.get('k')).toBe('1');
      });
      expect(reader.settings.get('k')).toBe('2');
    } finally {
      reader.close();
      writer.close();
    }
  });

  it('a missing file is an error, and is not created', () => {
    const path = join(dir, 'missing.db');
    expect(() => createSqliteStore({ path, readonly: true })).toThrow();
    expect(isParleyDatabase(path)).toBe(false);
  });

  it('another SQLite database or a text file is "not a Parley database"', () => {
    const other = join(dir, 'other.db');
    const plain = new Database(other);
    plain.exec('CREATE TABLE t (x)');
    plain.close();
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'just some text, long enough to fill a header of one hundred bytes. '.repeat(3));
    for (const path of [other, text]) {
      expect(() => createSqliteStore({ path, readonly: true })).toThrow(`not a Parley database: ${path}`);
      expect(() => createSqliteStore({ path })).toThrow(`not a Parley database: ${path}`);
    }
  });
});

describe('isParleyDatabase', () => {
  it('tells relay and local databases from other SQLite files, text files and missing files', () => {
    const relay = join(dir, 'relay.db');
    const local = join(dir, 'local.db');
    createSqliteStore({ path: relay }).close();
    createSqliteLocalStore(local).close();
    const other = join(dir, 'random.db');
    const db = new Database(other);
    db.pragma('application_id = 12345');
    db.exec('CREATE TABLE t (x)');
    db.close();
    const text = join(dir, 'text.db');
    writeFileSync(text, 'SQLite format 3 is what this pretends to be, but it is only text.\n'.repeat(4));
    const empty = join(dir, 'empty.db');
    writeFileSync(empty, '');

    expect(isParleyDatabase(relay)).toBe(true);
    expect(parleyDatabaseKind(relay)).toBe('relay');
    expect(isParleyDatabase(local)).toBe(true);
    expect(parleyDatabaseKind(local)).toBe('local');
    expect(isParleyDatabase(other)).toBe(false);
    expect(isParleyDatabase(text)).toBe(false);
    expect(isParleyDatabase(empty)).toBe(false);
    expect(isParleyDatabase(join(dir, 'nope.db'))).toBe(false);
    expect(isParleyDatabase(dir)).toBe(false);
  });

  it('is true while the creating connection is still open (the id is in the file header)', () => {
    const path = join(dir, 'relay.db');
    const store = createSqliteStore({ path });
    try {
      expect(isParleyDatabase(path)).toBe(true);
    } finally {
      store.close();
    }
  });
});

describe('schema', () => {
  it('a new file gets WAL, foreign keys and every migration', () => {
    const store = createSqliteStore({ path: join(dir, 'relay.db'), synchronous: 'full' });
    try {
      expect(store.schemaVersion).toBe(relayMigrations.length);
      expect(store.db.pragma('user_version', { simple: true })).toBe(relayMigrations.length);
      expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
      const indexes = store.db
        .prepare<[], { name: string }>(
          "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'messages'",
        )
        .all()
        .map((r) => r.name);
      expect(indexes).toEqual(expect.arrayContaining(['messages_by_seq', 'messages_by_created_on']));
    } finally {
      store.close();
    }
  });

  it('a relay store refuses a local database and the other way round', () => {
    const relay = join(dir, 'relay.db');
    const local = join(dir, 'local.db');
    createSqliteStore({ path: relay }).close();
    createSqliteLocalStore(local).close();
    expect(() => createSqliteStore({ path: local })).toThrow('not a Parley database');
    expect(() => createSqliteLocalStore(relay)).toThrow('not a Parley database');
  });

  it('a database from before multi-update log entries keeps its log and takes new entries', () => {
    const path = join(dir, 'relay.db');
    // The schema as the previous build left it: every migration but the `parts` column.
    const { db } = openDatabase({
      path,
      applicationId: RELAY_APPLICATION_ID,
      migrations: relayMigrations.slice(0, 2),
    });
    db.prepare('INSERT INTO doc_updates (doc, "update", at) VALUES (?, ?, ?)').run(
      'thread:a',
      Buffer.from([7, 7]),
      1,
    );
    db.close();
    const store = createSqliteStore({ path });
    try {
      expect(store.schemaVersion).toBe(relayMigrations.length);
      const id = store.docs.appendAll('thread:a', [new Uint8Array([8]), new Uint8Array([9, 9])]);
      const { updates } = store.docs.load('thread:a');
      expect(updates.map((u) => [u.id === id, [...u.update]])).toEqual([
        [false, [7, 7]],
        [true, [8]],
        [true, [9, 9]],
      ]);
    } finally {
      store.close();
    }
  });

  it('a file from a newer build is refused rather than touched', () => {
    const path = join(dir, 'relay.db');
    const store = createSqliteStore({ path });
    store.db.pragma(`user_version = ${relayMigrations.length + 1}`);
    store.close();
    expect(() => createSqliteStore({ path })).toThrow(/schema version/);
    expect(() => createSqliteStore({ path, readonly: true })).toThrow(/schema version/);
  });
});

describe("checkpoint: 'background'", () => {
  const walPages = (path: string) => {
    // A second connection's PASSIVE checkpoint reports the WAL's size; nothing is left to copy
    // once the thread has copied it (log = checkpointed).
    const db = new Database(path);
    try {
      return db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    } finally {
      db.close();
    }
  };

  it('copies committed pages into the file from its thread and keeps a backstop for the writer', async () => {
    const path = join(dir, 'relay.db');
    const store = createSqliteStore({ path, checkpoint: 'background', checkpointIntervalMs: 20 });
    try {
      expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(10_000);
      for (let i = 0; i < 200; i++)
        store.transaction(() => store.docs.append('thread:abc', new Uint8Array(2_000).fill(i % 256)));
      for (let i = 0; i < 500 && (store.checkpointStats()?.frames ?? 0) < 100; i++)
        await new Promise((r) => setTimeout(r, 10));
      const stats = store.checkpointStats()!;
      expect(stats.checkpoints).toBeGreaterThanOrEqual(1);
      expect(stats.frames).toBeGreaterThanOrEqual(100);
      expect(stats.wallMs).toBeGreaterThan(0);
      expect(stats.passes).toBeGreaterThanOrEqual(stats.checkpoints);
      if (process.platform === 'linux') expect(stats.cpuMs).toBeGreaterThan(0);
      // Passes go on while nothing is left to copy (the bench waits on them to settle its figures).
      const passes = stats.passes;
      await new Promise((r) => setTimeout(r, 100));
      expect(store.checkpointStats()!.passes).toBeGreaterThan(passes);
      expect(store.checkpointStats()!.checkpoints).toBe(stats.checkpoints);
      const [w] = walPages(path);
      expect(w!.checkpointed).toBe(w!.log);
    } finally {
      store.close();
    }
    // The thread closed its connection first: the writer's close folded the WAL away.
    const reopened = createSqliteStore({ path });
    try {
      expect(reopened.docs.load('thread:abc').updates).toHaveLength(200);
    } finally {
      reopened.close();
    }
  });

  it('closes at once although the next checkpoint is a minute away, leaving no WAL behind', () => {
    const path = join(dir, 'relay.db');
    const store = createSqliteStore({ path, checkpoint: 'background', checkpointIntervalMs: 60_000 });
    store.transaction(() => store.docs.append('thread:abc', new Uint8Array([1])));
    store.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
    expect(createSqliteStore({ path, readonly: true }).docs.load('thread:abc').updates).toHaveLength(1);
  });

  it('waits on close until the thread has closed its connection', () => {
    const path = join(dir, 'relay.db');
    const store = createSqliteStore({ path });
    const thread = new BackgroundCheckpointer(path, { intervalMs: 60_000 });
    expect(thread.close()).toBe(true);
    expect(thread.close()).toBe(true);
    store.close();
  });

  it('is inline (no thread, no stats) by default and for readonly or in-memory stores', () => {
    const path = join(dir, 'relay.db');
    const inline = createSqliteStore({ path });
    expect(inline.checkpointStats()).toBeUndefined();
    expect(inline.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1_000);
    inline.close();
    const ro = createSqliteStore({ path, readonly: true, checkpoint: 'background' });
    expect(ro.checkpointStats()).toBeUndefined();
    ro.close();
    const mem = createSqliteStore({ path: ':memory:', checkpoint: 'background' });
    expect(mem.checkpointStats()).toBeUndefined();
    mem.close();
  });
});

describe('multi-update log entries', () => {
  it('a damaged entry is an error, not updates made of whatever follows it in memory', async () => {
    const { decodeParts, encodeParts } = await import('../src/sqliteDocStore.ts');
    const blob = encodeParts([new Uint8Array([1, 2, 3]), new Uint8Array(300).fill(7)]);
    expect(decodeParts(blob, 2).map((p) => p.length)).toEqual([3, 300]);
    // A view into a larger buffer, as better-sqlite3 may hand out: the bytes after it are not the entry's.
    const pooled = new Uint8Array(blob.length + 64).fill(9);
    pooled.set(blob);
    expect(() => decodeParts(pooled.subarray(0, blob.length - 10), 2)).toThrow(/damaged/);
    expect(() => decodeParts(blob, 3)).toThrow(/damaged/);
    expect(() => decodeParts(new Uint8Array([...blob, 0]), 2)).toThrow(/damaged/);
  });
});
