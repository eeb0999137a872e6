import {
  headDocName,
  isThreadId,
  type MemberRow,
  type MessageRow,
  type ReceiptRow,
  type RelayStore,
  type ThreadRow,
} from '@parley/model';
import { ParleyError } from '@parley/protocol';
import { threadDocNames } from './storedDoc.ts';
import { requireThread } from './threads.ts';

/** The format tag and version of an exported thread. */
export const BUNDLE_FORMAT = 'parley-thread';
export const BUNDLE_VERSION = 1;

/** One doc as stored: snapshot and update log, bytes in base64. */
export interface BundleDoc {
  readonly name: string;
  readonly snapshot: string | null;
  readonly updates: { readonly at: number; readonly update: string }[];
}

/** Everything the store holds for one thread, as JSON (`parley export`). */
export interface ThreadBundle {
  readonly format: typeof BUNDLE_FORMAT;
  readonly version: typeof BUNDLE_VERSION;
  readonly thread: ThreadRow;
  readonly members: MemberRow[];
  readonly messages: MessageRow[];
  readonly receipts: ReceiptRow[];
  readonly docs: BundleDoc[];
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const unb64 = (text: unknown, what: string): Uint8Array => {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text))
    throw new ParleyError('INVALID_REQUEST', `${what} is not base64.`);
  return new Uint8Array(Buffer.from(text, 'base64'));
};

/**
 * Exports a thread exactly as stored: its rows (thread, members, index, receipts) and the snapshot
 * and update log of its head and pages. Importing it elsewhere and exporting again gives the same
 * JSON, byte for byte.
 *
 * @example
 * writeFileSync('thread.json', `${JSON.stringify(exportThread(store, id))}\n`);
 */
export const exportThread = (store: RelayStore, threadId: string): ThreadBundle => {
  const thread = requireThread(store, threadId);
  const docs = threadDocNames(store, threadId).map((name): BundleDoc => {
    const { snapshot, updates } = store.docs.load(name);
    return {
      name,
      snapshot: snapshot ? b64(snapshot) : null,
      updates: updates.map((u) => ({ at: u.at, update: b64(u.update) })),
    };
  });
  return {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    thread: { ...thread },
    members: store.members.list(threadId, { includeRemoved: true }),
    messages: store.messages.list(threadId, { order: 'asc' }),
    receipts: store.receipts.list(threadId),
    docs,
  };
};

/** Options of `importThread`. */
export interface ImportOptions {
  /**
   * Appends one logged update keeping its original time. Defaults to `store.docs.append`, which
   * stamps the current time (so a re-export differs in `at`); the SQLite CLI passes an exact one.
   */
  readonly appendUpdate?: (docName: string, update: Uint8Array, at: number) => void;
}

const asArray = (value: unknown, what: string): unknown[] => {
  if (!Array.isArray(value)) throw new ParleyError('INVALID_REQUEST', `${what} must be a list.`);
  return value;
};

/** Checks the shape of parsed JSON and returns it as a bundle; INVALID_REQUEST when it is not one. */
export const parseBundle = (value: unknown): ThreadBundle => {
  const v = value as Partial<ThreadBundle> | null;
  if (!v || typeof v !== 'object' || v.format !== BUNDLE_FORMAT)
    throw new ParleyError('INVALID_REQUEST', 'Not a Parley thread export (format "parley-thread" expected).');
  if (v.version !== BUNDLE_VERSION)
    throw new ParleyError('INVALID_REQUEST', `Unsupported export version ${String(v.version)}.`);
  if (!v.thread || !isThreadId(v.thread.id))
    throw new ParleyError('INVALID_REQUEST', 'The export names no valid thread.');
  const head = headDocName(v.thread.id);
  for (const d of asArray(v.docs, 'docs') as BundleDoc[]) {
    if (typeof d?.name !== 'string' || (d.name !== head && !d.name.startsWith(`${head}:`)))
      throw new ParleyError(
        'INVALID_REQUEST',
        `Doc ${String(d?.name)} does not belong to thread ${v.thread.id}.`,
      );
    if (d.snapshot !== null) unb64(d.snapshot, `${d.name} snapshot`);
    for (const u of asArray(d.updates, `${d.name} updates`) as BundleDoc['updates'])
      if (typeof u?.at !== 'number')
        throw new ParleyError('INVALID_REQUEST', `${d.name}: an update has no time.`);
  }
  for (const list of ['members', 'messages', 'receipts'] as const) asArray(v[list], list);
  return v as ThreadBundle;
};

/**
 * Writes an exported thread into a store, in one transaction. Refuses (DUPLICATE_ID) when the
 * store already has that thread or any of its docs.
 *
 * @example
 * importThread(store, parseBundle(JSON.parse(readFileSync('thread.json', 'utf8'))));
 */
export const importThread = (store: RelayStore, bundle: ThreadBundle, options: ImportOptions = {}): void => {
  const id = bundle.thread.id;
  if (store.threads.get(id) || threadDocNames(store, id).length > 0)
    throw new ParleyError('DUPLICATE_ID', `Thread ${id} already exists in this database.`);
  const append =
    options.appendUpdate ?? ((name: string, update: Uint8Array) => store.docs.append(name, update));
  store.transaction(() => {
    store.threads.put(bundle.thread);
    for (const m of bundle.members) store.members.put(m);
    for (const m of bundle.messages) store.messages.put(m);
    for (const r of bundle.receipts) store.receipts.put(r);
    for (const d of bundle.docs) {
      if (d.snapshot !== null) store.docs.compact(d.name, unb64(d.snapshot, d.name), 0);
      for (const u of d.updates) append(d.name, unb64(u.update, d.name), u.at);
    }
  });
};
