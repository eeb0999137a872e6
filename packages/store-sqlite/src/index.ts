export {
  isParleyDatabase,
  LOCAL_APPLICATION_ID,
  type ParleyDatabaseKind,
  parleyDatabaseKind,
  RELAY_APPLICATION_ID,
} from './applicationId.ts';
export { type Migration, localMigrations, relayMigrations } from './migrations.ts';
export { createSqliteLocalStore, type SqliteLocalDocStore } from './sqliteLocalStore.ts';
export type { CheckpointStats } from './checkpointer.ts';
export { createSqliteStore, type SqliteRelayStore, type SqliteStoreOptions } from './sqliteStore.ts';
