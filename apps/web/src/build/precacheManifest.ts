import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Plugin } from 'vite';

/** Options of `precacheManifest`. */
export interface PrecacheManifestOptions {
  /** The service worker's output file (default `sw.js`). */
  readonly serviceWorker?: string;
  /** Files never precached (default: source maps). */
  readonly exclude?: RegExp;
}

const PLACEHOLDER = /(["'`])__PRECACHE_MANIFEST__\1/;

/**
 * A Vite build plugin that writes the list of built files and a content version into the service
 * worker, so the worker precaches exactly this build and a new build installs a new worker.
 *
 * @example
 * export default defineConfig({ plugins: [precacheManifest()] });
 */
export const precacheManifest = (options: PrecacheManifestOptions = {}): Plugin => {
  const swFile = options.serviceWorker ?? 'sw.js';
  const exclude = options.exclude ?? /\.map$/;
  let publicDir = '';
  return {
    name: 'parley-precache-manifest',
    apply: 'build',
    configResolved(config) {
      publicDir = config.publicDir;
    },
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        const sw = bundle[swFile];
        if (sw?.type !== 'chunk') throw new Error(`precacheManifest: no chunk ${swFile} in the bundle`);
        const hash = createHash('sha256');
        const files: string[] = [];
        const entries: [string, string | Uint8Array][] = Object.entries(bundle).map(([name, item]) => [
          name,
          item.type === 'chunk' ? item.code : item.source,
        ]);
        for (const file of publicFiles(publicDir)) entries.push([file, readFileSync(join(publicDir, file))]);
        for (const [name, content] of entries.sort(([a], [b]) => a.localeCompare(b))) {
          if (name === swFile || exclude.test(name)) continue;
          files.push(name);
          hash.update(name);
          hash.update(content);
        }
        const manifest = { version: hash.digest('hex').slice(0, 16), files };
        if (!PLACEHOLDER.test(sw.code))
          throw new Error('precacheManifest: the service worker has no placeholder');
        sw.code = sw.code.replace(PLACEHOLDER, () => JSON.stringify(JSON.stringify(manifest)));
      },
    },
  };
};

/** Files under Vite's public directory (copied as they are), as URL paths relative to the root. */
const publicFiles = (dir: string): string[] => {
  if (!dir || !existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p).split('\\').join('/'));
    }
  };
  walk(dir);
  return out;
};
