/**
 * The in-memory stores alone (`@parley/testing/memory`), for code that runs outside Vitest and
 * should not load it, e.g. a relay started with memory storage.
 */
export { createMemoryLocalStore } from './memoryLocalStore.ts';
export { createMemoryStore } from './memoryStore.ts';
