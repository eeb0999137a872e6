import { defineConfig } from 'vitest/config';
import projects from './vitest.workspace.ts';

export default defineConfig({
  test: {
    projects,
    // Two cores on CI: run files in parallel but do not oversubscribe.
    maxWorkers: 2,
  },
});
