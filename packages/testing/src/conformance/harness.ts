import { afterEach, beforeEach } from 'vitest';

/** What a suite's `setup` returns: a fresh, empty store, and how to reopen and clean up. */
export interface StoreTestSetup<S extends { close(): void }> {
  readonly store: S;
  /** Opens the same data again (after the suite closed `store`); enables the persistence tests. */
  readonly reopen?: () => S;
  /** Removes what setup made (temp files); runs after the suite closed the store. */
  readonly cleanup?: () => void;
}

/** The store of the running test, swapped on `reopen`. */
export interface StoreHarness<S extends { close(): void }> {
  readonly store: S;
  readonly canReopen: boolean;
  /** Closes the current store and opens its data again. Throws when setup gave no `reopen`. */
  reopen(): S;
}

/** Registers beforeEach/afterEach that give each test a fresh store from `setup`. */
export function useStoreHarness<S extends { close(): void }>(
  setup: () => StoreTestSetup<S>,
): StoreHarness<S> {
  let current: StoreTestSetup<S> | undefined;
  let store: S | undefined;
  beforeEach(() => {
    current = setup();
    store = current.store;
  });
  afterEach(() => {
    try {
      store?.close();
    } finally {
      current?.cleanup?.();
      current = undefined;
      store = undefined;
    }
  });
  return {
    get store() {
      if (!store) throw new Error('no store: use the harness inside a test');
      return store;
    },
    get canReopen() {
      return current?.reopen !== undefined;
    },
    reopen() {
      if (!current?.reopen || !store) throw new Error('setup gave no reopen()');
      store.close();
      store = current.reopen();
      return store;
    },
  };
}
