import { parseArgs } from 'node:util';
import { UsageError } from './errors.ts';

type OptionSpec = { readonly type: 'string' | 'boolean'; readonly short?: string };

/** One command: its flags, how many positionals it takes, and its help text. */
interface CommandSpec {
  readonly summary: string;
  readonly usage: string;
  readonly positionals: readonly [min: number, max: number];
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly details: string;
}

const SOURCE_HELP = `Source (one of):
  --db <file>          a relay's SQLite database, opened read-only  [PARLEY_DB]
  --url <url>          a running relay's admin API                  [PARLEY_URL]
  --admin-key <key>    the relay's admin key, for --url              [PARLEY_ADMIN_KEY]`;

const common = {
  db: { type: 'string' },
  url: { type: 'string' },
  'admin-key': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Record<string, OptionSpec>;

/** Every command of `parley`. */
export const commands = {
  threads: {
    summary: 'list every thread: topic, members, messages, pages, activity, size, deleted',
    usage: 'parley threads [--user <id>] [--since <time>] [--until <time>] [--live]',
    positionals: [0, 0],
    options: {
      ...common,
      user: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      live: { type: 'boolean' },
    },
    details: `  --user <id>          only threads this user is or was a member of
  --since <time>       only threads active at or after this time (ISO 8601 or anything Date.parse reads)
  --until <time>       only threads whose last activity is before this time
  --live               leave out deleted threads`,
  },
  thread: {
    summary: 'one thread: properties, members, pages, receipts, docs with state vectors',
    usage: 'parley thread <threadId>',
    positionals: [1, 1],
    options: common,
    details: '',
  },
  messages: {
    summary: 'messages in sequenceId order, optionally as one member sees them',
    usage: 'parley messages <threadId> [--from-seq <n>] [--limit <n>] [--as <userId>] [--json | --ndjson]',
    positionals: [1, 1],
    options: {
      ...common,
      'from-seq': { type: 'string' },
      limit: { type: 'string' },
      as: { type: 'string' },
      ndjson: { type: 'boolean' },
    },
    details: `  --from-seq <n>       start at this sequenceId
  --limit <n>          at most n messages
  --as <userId>        exactly what that member may receive: pages redacted for it as the relay does
  --ndjson             one JSON message per line`,
  },
  doc: {
    summary: 'the raw Yjs structure of one doc, and what compaction would save',
    usage: 'parley doc <docName>',
    positionals: [1, 1],
    options: common,
    details: '  <docName>            thread:<id>, thread:<id>:<page> or user:<id>',
  },
  log: {
    summary: "a doc's stored update log: time, size and decoded summary of each update",
    usage: 'parley log <docName>',
    positionals: [1, 1],
    options: common,
    details: '',
  },
  usage: {
    summary: 'messages sent per day, per thread and per user, over a time range',
    usage: 'parley usage [--from <time>] [--to <time>]',
    positionals: [0, 0],
    options: { ...common, from: { type: 'string' }, to: { type: 'string' } },
    details: `  --from <time>        start of the range (default: 30 days before --to)
  --to <time>          end of the range, exclusive (default: now)
  Counts text and html messages from the relay's message index (system messages are not usage).`,
  },
  verify: {
    summary: 'replay every doc and cross-check index and memberships (exit 0 only if consistent)',
    usage: 'parley verify [<threadId>]',
    positionals: [0, 1],
    options: common,
    details: '  Exit status: 0 consistent, 3 inconsistencies found (each one is listed), 1 error.',
  },
  compact: {
    summary: 'fold update logs into snapshots (writes; --db only)',
    usage: 'parley compact [<threadId | docName> ...] --db <file>',
    positionals: [0, Number.POSITIVE_INFINITY],
    options: common,
    details: '  Without arguments every doc is compacted. Damaged docs are skipped, never rewritten.',
  },
  export: {
    summary: 'write a thread exactly as stored, as JSON, to stdout',
    usage: 'parley export <threadId> > thread.json',
    positionals: [1, 1],
    options: common,
    details: '',
  },
  import: {
    summary: 'load an exported thread into a database (writes; --db only)',
    usage: 'parley import <file | -> --db <file>',
    positionals: [1, 1],
    options: common,
    details: '  The database is created if missing. A thread that already exists there is refused.',
  },
  watch: {
    summary: 'connect to a relay like a client and print each change of a doc',
    usage: 'parley watch <docName> --url <url> (--token <jwt> | --user <id> --admin-key <key>)',
    positionals: [1, 1],
    options: { ...common, token: { type: 'string' }, user: { type: 'string' }, count: { type: 'string' } },
    details: `  --token <jwt>        a token of a member (or of the user, for user:<id>)  [PARLEY_TOKEN]
  --user <id>          get a token for this user from the relay (needs the admin key)
  --count <n>          exit after n changes`,
  },
  token: {
    summary: "issue a development token with the relay's secret or admin key",
    usage:
      'parley token --user <id> [--name <display name>] [--scope <scope>] [--ttl <seconds>] (--db <file> | --url <url>)',
    positionals: [0, 0],
    options: {
      ...common,
      user: { type: 'string' },
      name: { type: 'string' },
      scope: { type: 'string' },
      ttl: { type: 'string' },
      secret: { type: 'string' },
    },
    details: `  --db <file>          signs with the secret the relay keeps in its database (read-only)
  --secret <s>         sign with this secret instead (the relay's PARLEY_SECRET)  [PARLEY_SECRET]
  --url <url>          asks the relay: POST /admin/tokens with the admin key`,
  },
} as const satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof commands;

/** The top-level help. */
export const HELP = `parley — look inside Parley thread documents

Usage: parley <command> [options]    (parley <command> --help for more)

Commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join('\n')}

${SOURCE_HELP}
  --json               machine-readable output (every command)

Exit status: 0 success, 1 error, 2 usage error, 3 verify found inconsistencies.`;

/** Help of one command. */
export const commandHelp = (name: CommandName): string => {
  const c: CommandSpec = commands[name];
  return [
    `parley ${name} — ${c.summary}`,
    '',
    `Usage: ${c.usage}`,
    '',
    c.details,
    c.details ? '' : undefined,
    SOURCE_HELP,
    '  --json               machine-readable output',
  ]
    .filter((l) => l !== undefined)
    .join('\n')
    .replace(/\n{3,}/g, '\n\n');
};

/** A parsed invocation. */
export interface Invocation {
  readonly command: CommandName | 'help';
  readonly positionals: string[];
  readonly values: Record<string, string | boolean | undefined>;
}

const isCommand = (name: string): name is CommandName => Object.hasOwn(commands, name);

/** A thread id's shape (8–64 of `A–Z a–z 0–9 _ -`): one may start with `-`, or even `--`. */
const ID_SHAPED = /^-[A-Za-z0-9_-]{7,63}$/;
const HELD = '\u0000';

/**
 * Ids and user ids may start with `-` (one thread id in 64 does), which `parseArgs` reads as
 * flags. Before parsing, the value after a string option and any id-shaped argument that is not
 * one of the command's options are replaced by placeholders; `restore` puts them back.
 */
const holdDashedValues = (args: readonly string[], options: Readonly<Record<string, OptionSpec>>) => {
  const held: string[] = [];
  const hold = (a: string) => {
    held.push(a);
    return `${HELD}${held.length - 1}`;
  };
  const out: string[] = [];
  let wantsValue = false;
  for (const [i, a] of args.entries()) {
    if (a === '--' && !wantsValue) {
      out.push(...args.slice(i));
      break;
    }
    const name = a.startsWith('--') ? a.slice(2).split('=')[0]! : undefined;
    const known = name !== undefined && Object.hasOwn(options, name);
    if (wantsValue) out.push(a.startsWith('-') ? hold(a) : a);
    else out.push(!known && ID_SHAPED.test(a) ? hold(a) : a);
    wantsValue = !wantsValue && known && options[name!]!.type === 'string' && !a.includes('=');
  }
  const restore = (v: string): string => (v.startsWith(HELD) ? (held[Number(v.slice(1))] ?? v) : v);
  return { args: out, restore };
};

/** Parses argv (without node and the script); throws UsageError for anything it does not know. */
export const parseInvocation = (argv: readonly string[]): Invocation => {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help')
    return { command: 'help', positionals: rest[0] && first === 'help' ? [rest[0]] : [], values: {} };
  if (!isCommand(first)) throw new UsageError(`unknown command "${first}"`);
  const spec: CommandSpec = commands[first];
  const input = holdDashedValues(rest, spec.options);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: input.args, options: spec.options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(
      `${first}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
    );
  }
  const values: Record<string, string | boolean | undefined> = {};
  for (const [k, v] of Object.entries(parsed.values))
    values[k] = typeof v === 'string' ? input.restore(v) : (v as boolean | undefined);
  const positionals = parsed.positionals.map(input.restore);
  if (values.help) return { command: first, positionals: [], values };
  const [min, max] = spec.positionals;
  if (positionals.length < min) throw new UsageError(`${first}: missing argument (usage: ${spec.usage})`);
  if (positionals.length > max)
    throw new UsageError(`${first}: unexpected argument "${positionals[max]}" (usage: ${spec.usage})`);
  return { command: first, positionals, values };
};

/** A flag that must be a non-negative integer. */
export const intFlag = (values: Invocation['values'], name: string, min = 0): number | undefined => {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !/^\d+$/.test(v) || n < min)
    throw new UsageError(`--${name} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
  return n;
};

/** A string flag, or the environment variable, or undefined (empty counts as absent). */
export const stringFlag = (
  values: Invocation['values'],
  name: string,
  env?: string | undefined,
): string | undefined => {
  const v = values[name];
  if (typeof v === 'string' && v !== '') return v;
  return env === undefined || env === '' ? undefined : env;
};
