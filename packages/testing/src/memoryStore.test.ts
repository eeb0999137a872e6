import { runLocalDocStoreTests, runRelayStoreTests } from './index.ts';
import { createMemoryLocalStore } from './memoryLocalStore.ts';
import { createMemoryStore } from './memoryStore.ts';

runRelayStoreTests('memory RelayStore', () => ({ store: createMemoryStore() }));
runLocalDocStoreTests('memory LocalDocStore', () => ({ store: createMemoryLocalStore() }));
