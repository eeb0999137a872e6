import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { expect, it } from 'vitest';

it('the client bundles for browsers with no Node built-ins (same code as in Node)', async () => {
  const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
    metafile: true,
  });
  expect(result.errors).toEqual([]);
  const inputs = Object.keys(result.metafile.inputs);
  expect(inputs.some((p) => p.includes('better-sqlite3') || p.startsWith('node:'))).toBe(false);
  expect(inputs.some((p) => p.includes('node_modules/ws/'))).toBe(false);
  const code = result.outputFiles[0]?.text ?? '';
  expect(code).toContain('createChatClient');
});
