export { type LocalDocStoreTestSetup, runLocalDocStoreTests } from './conformance/localDocStoreTests.ts';
export { type RelayStoreTestSetup, runRelayStoreTests } from './conformance/relayStoreTests.ts';
export { createMemoryLocalStore } from './memoryLocalStore.ts';
export { createMemoryStore } from './memoryStore.ts';
