import type { RelayStore } from '@parley/model';
import { describe } from 'vitest';
import { docStoreTests } from './docStoreTests.ts';
import { type StoreTestSetup, useStoreHarness } from './harness.ts';
import { messageIndexTests } from './messageIndexTests.ts';
import { smallStoreTests } from './smallStoreTests.ts';
import { threadStoreTests } from './threadStoreTests.ts';
import { reopenTests, transactionTests } from './transactionTests.ts';
import { webhookStoreTests } from './webhookStoreTests.ts';

/** What `runRelayStoreTests` needs for each test: a fresh, empty store. */
export type RelayStoreTestSetup = StoreTestSetup<RelayStore>;

/**
 * Registers the `RelayStore` conformance suite with Vitest. `setup` runs before each test and
 * must return an empty store; the suite closes it, then calls `cleanup`. With `reopen`, the
 * persistence tests run too (they are skipped otherwise).
 *
 * @example
 * runRelayStoreTests('sqlite', () => {
 *   const dir = mkdtempSync(join(tmpdir(), 'parley-'));
 *   const path = join(dir, 'relay.db');
 *   return {
 *     store: createSqliteStore({ path }),
 *     reopen: () => createSqliteStore({ path }),
 *     cleanup: () => rmSync(dir, { recursive: true, force: true }),
 *   };
 * });
 */
export function runRelayStoreTests(name: string, setup: () => RelayStoreTestSetup): void {
  describe(name, () => {
    const harness = useStoreHarness(setup);
    docStoreTests(harness);
    threadStoreTests(harness);
    messageIndexTests(harness);
    smallStoreTests(harness);
    webhookStoreTests(harness);
    transactionTests(harness);
    reopenTests(harness);
  });
}
