import { parseArgs } from 'node:util';
import { type TokenScope, tokenScopes } from '@parley/protocol';

/**
 * `parley-relay` command lines and environment → a typed command. Flags win over environment
 * variables, which win over defaults. Nothing here touches files or the network.
 */

export interface ServeConfig {
  readonly port: number;
  readonly host: string;
  readonly db: string;
  readonly adminKey?: string;
  /** PEM certificate and key files; both or neither. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  readonly jwks?: { readonly url: string; readonly issuer?: string; readonly audience?: string };
  /** Token-signing secret; when absent the relay keeps a generated one in the store. */
  readonly secret?: string;
  readonly pageSize?: number;
  /** JSON config file (webhook subscriptions and delivery tunables, metrics token); see configFile.ts. */
  readonly configFile?: string;
  /** Serves GET /metrics on the main port for `Bearer <metricsToken>`. */
  readonly metricsToken?: string;
  /** Serves GET /metrics (no token) on this separate port, bound to `host`. */
  readonly metricsPort?: number;
  /** Operation log level on stdout (default info; silent for none). */
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error' | 'silent';
}

export interface TokenConfig {
  readonly db: string;
  readonly userId: string;
  readonly displayName?: string;
  readonly scope: TokenScope;
  readonly ttlSeconds: number;
  readonly secret?: string;
}

export type Command =
  | { readonly kind: 'serve'; readonly config: ServeConfig }
  | { readonly kind: 'token'; readonly config: TokenConfig }
  | { readonly kind: 'help' };

/** A bad command line: the message is printed with a hint to use --help, exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const DEFAULTS = { port: 8787, host: '127.0.0.1', db: './parley.db', ttl: '24h' } as const;

export const HELP = `parley-relay — the Parley relay: ACS-compatible chat REST API and Yjs sync over WebSocket.

Usage:
  parley-relay [serve] [options]       start the relay
  parley-relay token --user <id> [options]
                                        print a user token signed with the relay's secret
  parley-relay --help

Serve options (environment variable in brackets):
  --port <n>          port to listen on, 0 for any free port   [PARLEY_PORT]      default ${DEFAULTS.port}
  --host <addr>       address to bind                          [PARLEY_HOST]      default ${DEFAULTS.host}
  --db <file>         SQLite database file                     [PARLEY_DB]        default ${DEFAULTS.db}
  --admin-key <key>   enables /admin routes (Bearer <key>)     [PARLEY_ADMIN_KEY]
  --tls-cert <file>   PEM certificate: serve HTTPS/WSS         [PARLEY_TLS_CERT]
  --tls-key <file>    PEM private key for --tls-cert           [PARLEY_TLS_KEY]
  --jwks-url <url>    also accept tokens of this identity      [PARLEY_JWKS_URL]
                      provider's key set (RS256/ES256/EdDSA)
  --jwks-issuer <s>   required iss of JWKS tokens              [PARLEY_JWKS_ISSUER]
  --jwks-audience <s> required aud of JWKS tokens              [PARLEY_JWKS_AUDIENCE]
  --page-size <n>     messages per page document               [PARLEY_PAGE_SIZE] default 1000
  --config <file>     JSON config: webhooks, webhookDelivery    [PARLEY_CONFIG]
  --metrics-token <t> serve /metrics for Bearer <t>            [PARLEY_METRICS_TOKEN]
  --metrics-port <n>  serve /metrics on a separate port        [PARLEY_METRICS_PORT]
  --log-level <l>     debug|info|warn|error|silent (JSON lines) [PARLEY_LOG_LEVEL] default info
                      The token-signing secret comes from       [PARLEY_SECRET]
                      the environment or is generated on first
                      start and kept in the database.

Token options:
  --db <file>         the relay's database (holds the secret)  [PARLEY_DB]        default ${DEFAULTS.db}
  --user <id>         user id (the token's sub)
  --name <name>       display name
  --scope <scope>     ${tokenScopes.join(' | ')}                          default chat
  --ttl <duration>    lifetime: 3600, 90s, 30m, 24h, 7d                          default ${DEFAULTS.ttl}

Examples:
  parley-relay --port 8787 --db ./parley.db
  TOKEN=$(parley-relay token --db ./parley.db --user alice --name Alice)
  curl -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
       -d '{"topic":"Lunch"}' 'http://127.0.0.1:8787/chat/threads?api-version=2025-03-15'
`;

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `3600`, `90s`, `30m`, `24h`, `7d` → seconds. */
export const parseDuration = (text: string): number => {
  const match = /^(\d{1,9})([smhd]?)$/.exec(text.trim());
  const unit = DURATION_UNITS[match?.[2] || 's'];
  if (!match || unit === undefined || Number(match[1]) === 0)
    throw new UsageError(
      `--ttl must be a positive duration like 3600, 30m, 24h or 7d (got ${JSON.stringify(text)})`,
    );
  return Number(match[1]) * unit;
};

const parseInteger = (text: string, name: string, min: number, max: number): number => {
  if (!/^\d{1,9}$/.test(text) || Number(text) < min || Number(text) > max)
    throw new UsageError(`${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(text)})`);
  return Number(text);
};

const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value === '' ? undefined : value;

const options = {
  port: { type: 'string' },
  host: { type: 'string' },
  db: { type: 'string' },
  'admin-key': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'jwks-url': { type: 'string' },
  'jwks-issuer': { type: 'string' },
  'jwks-audience': { type: 'string' },
  'page-size': { type: 'string' },
  config: { type: 'string' },
  'metrics-token': { type: 'string' },
  'metrics-port': { type: 'string' },
  'log-level': { type: 'string' },
  user: { type: 'string' },
  name: { type: 'string' },
  scope: { type: 'string' },
  ttl: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const SERVE_ONLY = [
  'port',
  'host',
  'admin-key',
  'tls-cert',
  'tls-key',
  'jwks-url',
  'jwks-issuer',
  'jwks-audience',
  'page-size',
  'config',
  'metrics-token',
  'metrics-port',
  'log-level',
];
const TOKEN_ONLY = ['user', 'name', 'scope', 'ttl'];

/**
 * Parses `parley-relay` arguments (without `node` and the script) with the environment.
 *
 * @example
 * parseCommand(['--port', '0'], {}) // { kind: 'serve', config: { port: 0, host: '127.0.0.1', db: './parley.db' } }
 */
export const parseCommand = (
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Command => {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (positionals.length > 1) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[1])}`);
  const verb = positionals[0] ?? 'serve';
  if (verb === 'help') return { kind: 'help' };
  if (verb !== 'serve' && verb !== 'token') throw new UsageError(`unknown command ${JSON.stringify(verb)}`);
  const misplaced = (verb === 'serve' ? TOKEN_ONLY : SERVE_ONLY).find((name) => name in values);
  if (misplaced) throw new UsageError(`--${misplaced} does not apply to "${verb}"`);

  const db = nonEmpty(values.db) ?? nonEmpty(env.PARLEY_DB) ?? DEFAULTS.db;
  const secret = nonEmpty(env.PARLEY_SECRET);

  if (verb === 'token') {
    const userId = nonEmpty(values.user);
    if (!userId) throw new UsageError('token needs --user <id>');
    const scope = (values.scope ?? 'chat') as TokenScope;
    if (!tokenScopes.includes(scope))
      throw new UsageError(`--scope must be one of ${tokenScopes.join(', ')}`);
    const displayName = nonEmpty(values.name);
    return {
      kind: 'token',
      config: {
        db,
        userId,
        scope,
        ttlSeconds: parseDuration(values.ttl ?? DEFAULTS.ttl),
        ...(displayName ? { displayName } : {}),
        ...(secret ? { secret } : {}),
      },
    };
  }

  const portText = nonEmpty(values.port) ?? nonEmpty(env.PARLEY_PORT);
  const certFile = nonEmpty(values['tls-cert']) ?? nonEmpty(env.PARLEY_TLS_CERT);
  const keyFile = nonEmpty(values['tls-key']) ?? nonEmpty(env.PARLEY_TLS_KEY);
  if (Boolean(certFile) !== Boolean(keyFile)) throw new UsageError('--tls-cert and --tls-key go together');
  const jwksUrl = nonEmpty(values['jwks-url']) ?? nonEmpty(env.PARLEY_JWKS_URL);
  if (jwksUrl && !URL.canParse(jwksUrl)) throw new UsageError(`--jwks-url is not a URL: ${jwksUrl}`);
  const issuer = nonEmpty(values['jwks-issuer']) ?? nonEmpty(env.PARLEY_JWKS_ISSUER);
  const audience = nonEmpty(values['jwks-audience']) ?? nonEmpty(env.PARLEY_JWKS_AUDIENCE);
  const pageSizeText = nonEmpty(values['page-size']) ?? nonEmpty(env.PARLEY_PAGE_SIZE);
  const adminKey = nonEmpty(values['admin-key']) ?? nonEmpty(env.PARLEY_ADMIN_KEY);
  const configFile = nonEmpty(values.config) ?? nonEmpty(env.PARLEY_CONFIG);
  const metricsToken = nonEmpty(values['metrics-token']) ?? nonEmpty(env.PARLEY_METRICS_TOKEN);
  const metricsPortText = nonEmpty(values['metrics-port']) ?? nonEmpty(env.PARLEY_METRICS_PORT);
  const logLevel = nonEmpty(values['log-level']) ?? nonEmpty(env.PARLEY_LOG_LEVEL);
  if (logLevel !== undefined && !LOG_LEVELS.includes(logLevel as (typeof LOG_LEVELS)[number]))
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  return {
    kind: 'serve',
    config: {
      port: portText === undefined ? DEFAULTS.port : parseInteger(portText, '--port', 0, 65_535),
      host: nonEmpty(values.host) ?? nonEmpty(env.PARLEY_HOST) ?? DEFAULTS.host,
      db,
      ...(adminKey ? { adminKey } : {}),
      ...(certFile && keyFile ? { tls: { certFile, keyFile } } : {}),
      ...(jwksUrl
        ? { jwks: { url: jwksUrl, ...(issuer ? { issuer } : {}), ...(audience ? { audience } : {}) } }
        : {}),
      ...(secret ? { secret } : {}),
      ...(pageSizeText ? { pageSize: parseInteger(pageSizeText, '--page-size', 1, 100_000) } : {}),
      ...(configFile ? { configFile } : {}),
      ...(metricsToken ? { metricsToken } : {}),
      ...(metricsPortText ? { metricsPort: parseInteger(metricsPortText, '--metrics-port', 0, 65_535) } : {}),
      ...(logLevel ? { logLevel: logLevel as (typeof LOG_LEVELS)[number] } : {}),
    },
  };
};
