import type { TestProjectInlineConfiguration } from 'vitest/config';

/**
 * Every test project in the repository. The root `vitest.config.ts` imports this list as
 * `test.projects` (Vitest 4 ignores a workspace file that is not imported).
 */
const project = (name: string, root: string, extra: TestProjectInlineConfiguration['test'] = {}) =>
  ({
    test: {
      name,
      root,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 30_000,
      hookTimeout: 30_000,
      ...extra,
    },
  }) satisfies TestProjectInlineConfiguration;

export default [
  project('protocol', 'packages/protocol'),
  project('model', 'packages/model'),
  project('store-sqlite', 'packages/store-sqlite'),
  project('testing', 'packages/testing'),
  project('relay', 'packages/relay'),
  project('client', 'packages/client'),
  project('enrich', 'packages/enrich'),
  project('relay-app', 'apps/relay', { testTimeout: 120_000 }),
  project('cli', 'apps/cli', { testTimeout: 120_000 }),
  project('web', 'apps/web', { testTimeout: 180_000, hookTimeout: 180_000 }),
  project('examples', 'examples', { include: ['*.test.ts'], testTimeout: 120_000 }),
  project('bench-smoke', 'bench', { include: ['*.test.ts', 'smoke/**/*.test.ts'], testTimeout: 180_000 }),
];
