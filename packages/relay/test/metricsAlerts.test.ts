import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRelay } from '@parley/relay';
import { createMemoryStore } from '@parley/testing';
import { describe, expect, it } from 'vitest';

const OPS = fileURLToPath(new URL('../../../ops/', import.meta.url));
const ALERTS = `${OPS}alerts.yml`;
const DASHBOARD = `${OPS}grafana-dashboard.json`;

/** `parley_…` metric families a text mentions (histogram suffixes folded). */
const metricNames = (text: string): Set<string> =>
  new Set([...text.matchAll(/\bparley_[a-z0-9_]+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, '')));

describe('ops/ alert rules and dashboard', () => {
  it('the alert rules pass `promtool check rules`', (ctx) => {
    const run = spawnSync('promtool', ['check', 'rules', ALERTS], { encoding: 'utf8' });
    if (run.error) {
      console.warn("promtool is not installed here (CI installs Debian's prometheus package): skipped");
      ctx.skip();
    }
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('every metric the rules and the dashboard use is one the relay exports', async () => {
    const relay = createRelay({
      store: createMemoryStore(),
      verifyToken: async () => Promise.reject(new Error('no')),
    });
    try {
      const { body } = await relay.metrics.render();
      const exported = new Set([...body.matchAll(/^# TYPE (parley_[a-z0-9_]+) /gm)].map((m) => m[1]!));
      const used = new Set([
        ...metricNames(readFileSync(ALERTS, 'utf8')),
        ...metricNames(readFileSync(DASHBOARD, 'utf8')),
      ]);
      expect(used.size).toBeGreaterThan(10);
      for (const name of used) expect(exported, `${name} is used but not exported`).toContain(name);
      const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: { targets: unknown[] }[] };
      expect(dashboard.panels.every((p) => p.targets.length > 0)).toBe(true);
    } finally {
      await relay.close();
    }
  });
});
