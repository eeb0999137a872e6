import { isParleyError } from '@parley/protocol';
import {
  type CommandName,
  commandHelp,
  commands,
  HELP,
  type Invocation,
  intFlag,
  parseInvocation,
  stringFlag,
} from './args.ts';
import { CliError, UsageError } from './errors.ts';
import type { Source } from './source.ts';
import { createPaint, formatBytes, formatTable, type Paint } from './table.ts';

/** Where the CLI writes and what it may read from its environment. */
export interface CliIo {
  /** Writes text to stdout as is (add the newline). */
  readonly write: (text: string) => void;
  /** Writes one line to stderr. */
  readonly err: (line: string) => void;
  /** Colour on stdout (a terminal without NO_COLOR). */
  readonly color: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Resolves on Ctrl-C (for `watch`). */
  readonly interrupted: Promise<void>;
}

/** Exit status when `verify` finds inconsistencies. */
export const EXIT_INCONSISTENT = 3;

const sourceOf = async (values: Invocation['values'], env: CliIo['env']): Promise<Source> => {
  const url = stringFlag(values, 'url', env.PARLEY_URL);
  const db = stringFlag(values, 'db', env.PARLEY_DB);
  if (url && typeof values.db === 'string') throw new UsageError('give either --db or --url, not both');
  const { databaseSource, relaySource } = await import('./source.ts');
  if (url) return relaySource(url, stringFlag(values, 'admin-key', env.PARLEY_ADMIN_KEY));
  if (db) return databaseSource(db);
  throw new UsageError('give --db <file> (a relay database) or --url <relay> (with --admin-key)');
};

const requireDb = (values: Invocation['values'], env: CliIo['env'], command: string): string => {
  if (typeof values.url === 'string')
    throw new UsageError(`${command} works on a database file: give --db, not --url`);
  const db = stringFlag(values, 'db', env.PARLEY_DB);
  if (!db) throw new UsageError(`${command}: give --db <file>`);
  return db;
};

/**
 * Runs one `parley` invocation and resolves with its exit status. Never throws: errors are printed
 * as one line on stderr (no stack trace).
 *
 * @example
 * const status = await runCli(['threads', '--db', 'relay.db', '--json'], io);
 */
export const runCli = async (argv: readonly string[], io: CliIo): Promise<number> => {
  const paint = createPaint(io.color);
  const lines = (ls: readonly string[]) => io.write(`${ls.join('\n')}\n`);
  try {
    const inv = parseInvocation(argv);
    if (inv.command === 'help') {
      const topic = inv.positionals[0];
      io.write(`${topic && Object.hasOwn(commands, topic) ? commandHelp(topic as CommandName) : HELP}\n`);
      return 0;
    }
    if (inv.values.help) {
      io.write(`${commandHelp(inv.command)}\n`);
      return 0;
    }
    return await run(inv, io, paint, lines);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`parley: ${error.message}`);
      io.err('Run "parley --help" for usage.');
      return error.exitCode;
    }
    if (error instanceof CliError) {
      io.err(`parley: ${error.message}`);
      return error.exitCode;
    }
    if (isParleyError(error)) {
      io.err(`parley: ${error.message} (${error.code})`);
      return 1;
    }
    io.err(`parley: internal error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
};

const run = async (
  inv: Invocation,
  io: CliIo,
  paint: Paint,
  lines: (ls: readonly string[]) => void,
): Promise<number> => {
  const { values, positionals } = inv;
  const json = values.json === true;
  const emit = (data: unknown, render: () => string[]) =>
    json ? io.write(`${JSON.stringify(data, null, 2)}\n`) : lines(render());
  const arg = positionals[0] ?? '';

  switch (inv.command) {
    case 'compact': {
      const { compactCommand } = await import('./operatorTools.ts');
      const results = await compactCommand(requireDb(values, io.env, 'compact'), positionals);
      emit(results, () =>
        formatTable(
          [
            { header: 'DOC' },
            { header: 'BEFORE', align: 'right' },
            { header: 'AFTER', align: 'right' },
            { header: 'FOLDED', align: 'right' },
            { header: 'NOTE' },
          ],
          results.map((r) => [
            r.name,
            formatBytes(r.beforeBytes),
            formatBytes(r.afterBytes),
            String(r.foldedUpdates),
            r.skipped ?? '',
          ]),
          paint,
        ),
      );
      return results.some((r) => r.skipped?.startsWith('damaged')) ? 1 : 0;
    }
    case 'import': {
      const { importCommand } = await import('./operatorTools.ts');
      const r = await importCommand(requireDb(values, io.env, 'import'), arg);
      emit(r, () => [
        `imported thread ${r.threadId}: ${r.docs} docs, ${r.messages} index rows, ${r.members} memberships`,
      ]);
      return 0;
    }
    case 'token': {
      const { issueToken } = await import('./token.ts');
      const userId = stringFlag(values, 'user');
      if (!userId) throw new UsageError('token: give --user <id>');
      const url = stringFlag(values, 'url', io.env.PARLEY_URL);
      const db = stringFlag(values, 'db', io.env.PARLEY_DB);
      const secret = stringFlag(values, 'secret', io.env.PARLEY_SECRET);
      const displayName = stringFlag(values, 'name');
      const scope = stringFlag(values, 'scope');
      const ttlSeconds = intFlag(values, 'ttl', 1);
      const adminKey = stringFlag(values, 'admin-key', io.env.PARLEY_ADMIN_KEY);
      const r = await issueToken({
        userId,
        ...(displayName ? { displayName } : {}),
        ...(scope ? { scope } : {}),
        ...(ttlSeconds ? { ttlSeconds } : {}),
        ...(secret ? { secret } : {}),
        ...(typeof values.url === 'string' ? { url: values.url } : db ? { db } : url ? { url } : {}),
        ...(adminKey ? { adminKey } : {}),
      });
      emit(r, () => [r.token]);
      return 0;
    }
    case 'watch': {
      const { watchDoc } = await import('./watch.ts');
      const url = stringFlag(values, 'url', io.env.PARLEY_URL);
      if (!url) throw new UsageError('watch: give --url <relay>');
      let token = stringFlag(values, 'token', io.env.PARLEY_TOKEN);
      const user = stringFlag(values, 'user');
      if (!token && user) {
        const { issueToken } = await import('./token.ts');
        const adminKey = stringFlag(values, 'admin-key', io.env.PARLEY_ADMIN_KEY);
        token = (await issueToken({ userId: user, url, ...(adminKey ? { adminKey } : {}) })).token;
      }
      if (!token) throw new UsageError('watch: give --token <jwt>, or --user <id> with the admin key');
      const count = intFlag(values, 'count');
      return await watchDoc({
        url,
        docName: arg,
        token,
        json,
        out: (line) => io.write(`${line}\n`),
        stop: io.interrupted,
        ...(count !== undefined ? { count } : {}),
      });
    }
    default:
      return await read(inv, io, paint, emit);
  }
};

const read = async (
  inv: Invocation,
  io: CliIo,
  paint: Paint,
  emit: (data: unknown, render: () => string[]) => void,
): Promise<number> => {
  const { values, positionals } = inv;
  const arg = positionals[0] ?? '';
  const source = await sourceOf(values, io.env);
  const { renderDoc, renderLog, renderMessages, renderThread, renderThreads, renderUsage, renderVerify } =
    await import('./render.ts');
  try {
    switch (inv.command) {
      case 'threads': {
        const user = stringFlag(values, 'user');
        const since = stringFlag(values, 'since');
        const until = stringFlag(values, 'until');
        const threads = await source.threads({
          ...(user ? { user } : {}),
          ...(since ? { since } : {}),
          ...(until ? { until } : {}),
          ...(values.live ? { live: true } : {}),
        });
        emit(threads, () => renderThreads(threads, paint));
        return 0;
      }
      case 'thread': {
        const r = await source.thread(arg);
        emit(r, () => renderThread(r, paint));
        return 0;
      }
      case 'messages': {
        const fromSeq = intFlag(values, 'from-seq', 1);
        const limit = intFlag(values, 'limit');
        const as = stringFlag(values, 'as');
        const listing = await source.messages(arg, {
          ...(fromSeq !== undefined ? { fromSeq } : {}),
          ...(limit !== undefined ? { limit } : {}),
          ...(as !== undefined ? { as } : {}),
        });
        if (values.ndjson) io.write(listing.messages.map((m) => `${JSON.stringify(m)}\n`).join(''));
        else emit(listing, () => renderMessages(listing, paint));
        return 0;
      }
      case 'doc': {
        const r = await source.doc(arg);
        emit(r, () => renderDoc(r, paint));
        return 0;
      }
      case 'log': {
        const r = await source.log(arg);
        emit(r, () => renderLog(r, paint));
        return 0;
      }
      case 'verify': {
        const r = await source.verify(positionals[0]);
        emit(r, () => renderVerify(r, paint));
        return r.ok ? 0 : EXIT_INCONSISTENT;
      }
      case 'usage': {
        const from = stringFlag(values, 'from');
        const to = stringFlag(values, 'to');
        const report = await source.usage({ ...(from ? { from } : {}), ...(to ? { to } : {}) });
        emit(report, () => renderUsage(report, paint));
        return 0;
      }
      case 'export': {
        const bundle = await source.exportThread(arg);
        io.write(`${JSON.stringify(bundle)}\n`);
        return 0;
      }
      default:
        throw new UsageError(`unknown command "${inv.command}"`);
    }
  } finally {
    source.close();
  }
};
