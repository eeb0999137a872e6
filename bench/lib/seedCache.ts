/**
 * Seeding Parley goes through its op processor (~1–2 ms a message here), so a 100k-message
 * thread takes minutes. Seeded databases are kept under `os.tmpdir()/parley-bench-cache`, keyed
 * by a hash of the model, store and relay sources (a change there reseeds), and each run opens a
 * fresh copy. Delete the directory to force reseeding.
 */
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchServer, startServer } from './servers.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cacheDir = join(tmpdir(), 'parley-bench-cache');

const sourcesHash = (): string => {
  const h = createHash('sha256');
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) h.update(name).update(readFileSync(p));
    }
  };
  for (const pkg of ['model', 'store-sqlite', 'relay']) walk(join(root, 'packages', pkg, 'src'));
  return h.digest('hex').slice(0, 12);
};

/**
 * A Parley server on a fresh copy of the database that `seed` builds (built once per `key` and
 * source hash). `seed` receives a server on an empty database and must leave the data in it.
 */
export const startSeededParley = async (
  key: string,
  seed: (server: BenchServer) => Promise<void>,
  options: { unloadAfterMs?: number; log?: (line: string) => void; profileLabel?: string } = {},
): Promise<{ server: BenchServer; seeded: boolean }> => {
  mkdirSync(cacheDir, { recursive: true });
  const hash = sourcesHash();
  const cached = join(cacheDir, `${key}-${hash}.db`);
  let seeded = false;
  if (!existsSync(cached)) {
    // databases of this key built from other sources are stale: remove them
    for (const name of readdirSync(cacheDir)) {
      if (name.startsWith(`${key}-`) && !name.startsWith(`${key}-${hash}`))
        rmSync(join(cacheDir, name), { force: true });
    }
    options.log?.(`seeding ${key} through the relay (cached for later runs in ${cacheDir})`);
    const building = join(mkdtempSync(join(tmpdir(), 'parley-seed-')), 'relay.db');
    const s = await startServer('parley', { dbPath: building });
    await seed(s);
    await s.stop();
    copyFileSync(building, cached);
    if (existsSync(`${building}-wal`)) copyFileSync(`${building}-wal`, `${cached}-wal`);
    rmSync(dirname(building), { recursive: true, force: true });
    seeded = true;
  }
  const copy = join(mkdtempSync(join(tmpdir(), 'parley-run-')), 'relay.db');
  copyFileSync(cached, copy);
  if (existsSync(`${cached}-wal`)) copyFileSync(`${cached}-wal`, `${copy}-wal`);
  const started = await startServer('parley', {
    dbPath: copy,
    ...(options.profileLabel ? { profileLabel: options.profileLabel } : {}),
    ...(options.unloadAfterMs !== undefined ? { unloadAfterMs: options.unloadAfterMs } : {}),
  });
  const server: BenchServer = {
    ...started,
    stop: async () => {
      await started.stop();
      rmSync(dirname(copy), { recursive: true, force: true });
    },
  };
  return { server, seeded };
};
