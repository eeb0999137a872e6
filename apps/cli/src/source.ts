import { existsSync } from 'node:fs';
import {
  type DocReport,
  exportThread,
  inspectDoc,
  inspectThread,
  listThreadMessages,
  listThreads,
  type MessageListing,
  type MessageQuery,
  readUpdateLog,
  type ThreadBundle,
  type ThreadFilter,
  type ThreadReport,
  type ThreadSummary,
  type UpdateLog,
  type VerifyReport,
  verifyStore,
} from '@parley/inspect';
import { parleyDatabaseKind, type SqliteRelayStore } from '@parley/store-sqlite';
import { CliError } from './errors.ts';

/** Where the CLI reads from: a relay database file or a running relay. Both give the same JSON. */
export interface Source {
  threads(filter: ThreadFilter): Promise<ThreadSummary[]>;
  thread(id: string): Promise<ThreadReport>;
  messages(id: string, query: MessageQuery): Promise<MessageListing>;
  doc(name: string): Promise<DocReport>;
  log(name: string): Promise<UpdateLog>;
  verify(threadId?: string): Promise<VerifyReport>;
  exportThread(id: string): Promise<ThreadBundle>;
  usage(range: { readonly from?: string; readonly to?: string }): Promise<UsageReport>;
  close(): void;
}

/** Messages per day, by thread and by user (what the relay's `GET /admin/usage` answers). */
export interface UsageReport {
  readonly from: string;
  readonly to: string;
  readonly total: number;
  readonly byThread: readonly { day: string; threadId: string; messages: number }[];
  readonly byUser: readonly { day: string; userId: string; messages: number }[];
}

/**
 * Opens a relay database with a clear error for a missing file or one that is not a relay's.
 * Read-only unless `write` (then `create` allows a new file).
 */
export const openRelayDatabase = async (
  path: string,
  options: { readonly write?: boolean; readonly create?: boolean } = {},
): Promise<SqliteRelayStore> => {
  const exists = existsSync(path);
  if (!exists && !options.create) throw new CliError(`no such file: ${path}`);
  if (exists) {
    const kind = parleyDatabaseKind(path);
    if (kind === 'local')
      throw new CliError(`not a Parley relay database: ${path} is a client's local database`);
    if (kind !== 'relay') throw new CliError(`not a Parley database: ${path}`);
  }
  const { createSqliteStore } = await import('@parley/store-sqlite');
  try {
    return createSqliteStore({ path, readonly: !options.write });
  } catch (error) {
    throw new CliError(`cannot open ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
};

/** A source over a database file, opened read-only (works while the relay runs, in WAL mode). */
export const databaseSource = async (path: string): Promise<Source> => {
  const store = await openRelayDatabase(path);
  return {
    threads: async (filter) => listThreads(store, filter),
    thread: async (id) => inspectThread(store, id),
    messages: async (id, query) => listThreadMessages(store, id, query),
    doc: async (name) => inspectDoc(store, name),
    log: async (name) => readUpdateLog(store, name),
    verify: async (threadId) => verifyStore(store, threadId),
    exportThread: async (id) => exportThread(store, id),
    usage: async (range) => {
      // The relay's own query, loaded only for this command (it pulls in the relay's modules).
      const { queryUsage } = await import('@parley/relay');
      return queryUsage(store, range);
    },
    close: () => store.close(),
  };
};

const query = (params: Record<string, string | number | boolean | undefined>): string => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
};

/** Calls the relay's admin API; errors carry the relay's code and message. */
export const adminFetch = async (
  baseUrl: string,
  adminKey: string | undefined,
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<unknown> => {
  if (!adminKey) throw new CliError('--url needs the admin key: pass --admin-key or set PARLEY_ADMIN_KEY');
  let response: Response;
  const url = `${baseUrl.replace(/\/+$/, '')}${path}`;
  try {
    response = await fetch(url, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${adminKey}`,
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new CliError(
      `cannot reach the relay at ${baseUrl}: ${cause?.code ?? cause?.message ?? String(error)}`,
    );
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new CliError(`the relay at ${baseUrl} answered ${response.status} with something that is not JSON`);
  }
  if (!response.ok) {
    const e = (body as { error?: { code?: string; message?: string } }).error;
    throw new CliError(`${e?.message ?? `HTTP ${response.status}`} (${e?.code ?? response.status})`);
  }
  return body;
};

/** A source over a running relay's /admin/inspect routes. */
export const relaySource = (baseUrl: string, adminKey: string | undefined): Source => {
  const get = <T>(path: string) => adminFetch(baseUrl, adminKey, `/admin/inspect${path}`) as Promise<T>;
  const enc = encodeURIComponent;
  return {
    threads: async (f) =>
      (
        await get<{ value: ThreadSummary[] }>(
          `/threads${query({ user: f.user, since: f.since, until: f.until, live: f.live ? true : undefined })}`,
        )
      ).value,
    thread: (id) => get(`/threads/${enc(id)}`),
    messages: (id, q) =>
      get(`/threads/${enc(id)}/messages${query({ fromSeq: q.fromSeq, limit: q.limit, as: q.as })}`),
    doc: (name) => get(`/docs/${enc(name)}`),
    log: (name) => get(`/docs/${enc(name)}/log`),
    verify: (threadId) => get(`/verify${query({ thread: threadId })}`),
    exportThread: (id) => get(`/threads/${enc(id)}/export`),
    usage: (range) =>
      adminFetch(
        baseUrl,
        adminKey,
        `/admin/usage${query({ from: range.from, to: range.to })}`,
      ) as Promise<UsageReport>,
    close: () => undefined,
  };
};
