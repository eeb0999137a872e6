import type { SettingsStore } from '@parley/model';
import type Database from 'better-sqlite3';

/**
 * The `settings` key-value table as a `SettingsStore`.
 *
 * @example
 * createSqliteSettingsStore(db).set('webhookSecret', secret);
 */
export function createSqliteSettingsStore(db: Database.Database): SettingsStore {
  const upsert = db.prepare<[string, string]>(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  const selectOne = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
  return {
    get(key) {
      return selectOne.get(key)?.value;
    },
    set(key, value) {
      upsert.run(key, value);
    },
  };
}
