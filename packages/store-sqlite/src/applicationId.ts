import { closeSync, openSync, readSync } from 'node:fs';
import Database from 'better-sqlite3';

/** `PRAGMA application_id` of a relay database: 'PRLY' in ASCII. */
export const RELAY_APPLICATION_ID = 0x50524c59;
/** `PRAGMA application_id` of a Node client's local database: 'PRLC' in ASCII. */
export const LOCAL_APPLICATION_ID = 0x50524c43;

/** Which kind of Parley database a file is, or null when it is none. */
export type ParleyDatabaseKind = 'relay' | 'local';

const SQLITE_MAGIC = 'SQLite format 3\u0000';
const HEADER_BYTES = 100;
const APPLICATION_ID_OFFSET = 68;

function kindOf(applicationId: number): ParleyDatabaseKind | null {
  if (applicationId === RELAY_APPLICATION_ID) return 'relay';
  if (applicationId === LOCAL_APPLICATION_ID) return 'local';
  return null;
}

function readHeader(path: string): Buffer | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const header = Buffer.alloc(HEADER_BYTES);
    const read = readSync(fd, header, 0, HEADER_BYTES, 0);
    return read === HEADER_BYTES ? header : null;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Asks SQLite itself (which also sees a not yet checkpointed WAL). */
function queryApplicationId(path: string): number {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    return db.pragma('application_id', { simple: true }) as number;
  } catch {
    return 0;
  } finally {
    db?.close();
  }
}

/**
 * Tells which kind of Parley database the file at `path` is: 'relay', 'local', or null for a
 * missing file, a text file or any other SQLite database. Reads the file header; never writes.
 *
 * @example
 * if (parleyDatabaseKind('relay.db') !== 'relay') throw new Error('not a relay database');
 */
export function parleyDatabaseKind(path: string): ParleyDatabaseKind | null {
  const header = readHeader(path);
  if (header === null || header.toString('latin1', 0, SQLITE_MAGIC.length) !== SQLITE_MAGIC) return null;
  const fromHeader = kindOf(header.readUInt32BE(APPLICATION_ID_OFFSET));
  return fromHeader ?? kindOf(queryApplicationId(path));
}

/**
 * True when `path` is a Parley database (a relay's or a Node client's).
 *
 * @example
 * if (isParleyDatabase(file)) console.log(`${file} holds Parley data`);
 */
export function isParleyDatabase(path: string): boolean {
  return parleyDatabaseKind(path) !== null;
}
