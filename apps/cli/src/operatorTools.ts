import { readFileSync } from 'node:fs';
import { compactDocs, importThread, parseBundle, type ThreadBundle, threadDocNames } from '@parley/inspect';
import { isThreadId, parseDocName } from '@parley/model';
import { CliError } from './errors.ts';
import { openRelayDatabase } from './source.ts';

/** `parley compact`: folds the logs of the named threads/docs (all docs when none) into snapshots. */
export const compactCommand = async (db: string, targets: readonly string[]) => {
  const store = await openRelayDatabase(db, { write: true });
  try {
    const names =
      targets.length === 0
        ? store.docs.list()
        : targets.flatMap((t) => {
            if (parseDocName(t)) return [t];
            if (isThreadId(t)) {
              const names = threadDocNames(store, t);
              if (names.length === 0) throw new CliError(`no such thread, or it stores no docs: ${t}`);
              return names;
            }
            throw new CliError(`neither a thread id nor a doc name: ${JSON.stringify(t)}`);
          });
    return compactDocs(store, names);
  } finally {
    store.close();
  }
};

/** Reads an export (a file, or stdin for "-") and checks its shape. */
export const readBundle = (file: string): ThreadBundle => {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new CliError(code === 'ENOENT' ? `no such file: ${file}` : `cannot read ${file}: ${String(error)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CliError(`not a Parley thread export (not JSON): ${file}`);
  }
  return parseBundle(value);
};

/** `parley import`: writes an exported thread into the database, keeping each update's time. */
export const importCommand = async (db: string, file: string) => {
  const bundle = readBundle(file);
  const store = await openRelayDatabase(db, { write: true, create: true });
  try {
    const insert = store.db.prepare<[string, Uint8Array, number]>(
      'INSERT INTO doc_updates (doc, "update", at) VALUES (?, ?, ?)',
    );
    importThread(store, bundle, { appendUpdate: (name, update, at) => insert.run(name, update, at) });
    return {
      threadId: bundle.thread.id,
      docs: bundle.docs.length,
      messages: bundle.messages.length,
      members: bundle.members.length,
    };
  } finally {
    store.close();
  }
};
