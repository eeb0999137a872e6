import { describe, expect, it } from 'vitest';
import { parseCommand, parseDuration, UsageError } from './args.ts';

describe('parseCommand', () => {
  it('serves on 127.0.0.1:8787 with ./parley.db by default', () => {
    expect(parseCommand([], {})).toEqual({
      kind: 'serve',
      config: { port: 8787, host: '127.0.0.1', db: './parley.db' },
    });
    expect(parseCommand(['serve'], {})).toEqual(parseCommand([], {}));
  });

  it('reads every serve setting from flags, and flags win over the environment', () => {
    const env = {
      PARLEY_PORT: '9000',
      PARLEY_HOST: '0.0.0.0',
      PARLEY_DB: '/env.db',
      PARLEY_ADMIN_KEY: 'env-key',
      PARLEY_TLS_CERT: '/env.crt',
      PARLEY_TLS_KEY: '/env.key',
      PARLEY_JWKS_URL: 'https://idp.test/jwks',
      PARLEY_SECRET: 'from-env',
    };
    expect(parseCommand([], env)).toEqual({
      kind: 'serve',
      config: {
        port: 9000,
        host: '0.0.0.0',
        db: '/env.db',
        adminKey: 'env-key',
        tls: { certFile: '/env.crt', keyFile: '/env.key' },
        jwks: { url: 'https://idp.test/jwks' },
        secret: 'from-env',
      },
    });
    const flags = [
      '--port=0',
      '--host',
      '::1',
      '--db',
      'x.db',
      '--admin-key',
      'k',
      '--tls-cert',
      'c.pem',
      '--tls-key',
      'k.pem',
      '--jwks-url',
      'https://other/jwks',
      '--jwks-audience',
      'parley',
      '--page-size',
      '50',
    ];
    expect(parseCommand(flags, env)).toEqual({
      kind: 'serve',
      config: {
        port: 0,
        host: '::1',
        db: 'x.db',
        adminKey: 'k',
        tls: { certFile: 'c.pem', keyFile: 'k.pem' },
        jwks: { url: 'https://other/jwks', audience: 'parley' },
        secret: 'from-env',
        pageSize: 50,
      },
    });
  });

  it('parses the token command with its defaults', () => {
    expect(parseCommand(['token', '--user', 'alice'], { PARLEY_DB: '/r.db' })).toEqual({
      kind: 'token',
      config: { db: '/r.db', userId: 'alice', scope: 'chat', ttlSeconds: 86_400 },
    });
    expect(
      parseCommand(
        ['token', '--db', 'a.db', '--user', 'bob', '--name', 'Bob', '--scope', 'chat.join', '--ttl', '30m'],
        {
          PARLEY_SECRET: 's',
        },
      ),
    ).toEqual({
      kind: 'token',
      config: {
        db: 'a.db',
        userId: 'bob',
        displayName: 'Bob',
        scope: 'chat.join',
        ttlSeconds: 1800,
        secret: 's',
      },
    });
  });

  it('answers help for --help, -h and help', () => {
    for (const argv of [['--help'], ['-h'], ['help'], ['token', '--help']])
      expect(parseCommand(argv, {})).toEqual({ kind: 'help' });
  });

  it('rejects bad command lines with a UsageError that says what is wrong', () => {
    const cases: [string[], RegExp][] = [
      [['--port', '70000'], /--port/],
      [['--port', 'abc'], /--port/],
      [['--tls-cert', 'c.pem'], /--tls-cert and --tls-key/],
      [['--jwks-url', 'not a url'], /--jwks-url/],
      [['--page-size', '0'], /--page-size/],
      [['--bogus'], /bogus/],
      [['launch'], /unknown command/],
      [['token'], /--user/],
      [['token', '--user', 'a', '--scope', 'root'], /--scope/],
      [['token', '--user', 'a', '--ttl', 'forever'], /--ttl/],
      [['token', '--user', 'a', '--port', '1'], /--port does not apply/],
      [['--user', 'a'], /--user does not apply/],
    ];
    for (const [argv, message] of cases) {
      expect(() => parseCommand(argv, {}), argv.join(' ')).toThrow(UsageError);
      expect(() => parseCommand(argv, {}), argv.join(' ')).toThrow(message);
    }
  });
});

describe('parseDuration', () => {
  it('reads seconds, minutes, hours and days', () => {
    expect(parseDuration('3600')).toBe(3600);
    expect(parseDuration('90s')).toBe(90);
    expect(parseDuration('30m')).toBe(1800);
    expect(parseDuration('24h')).toBe(86_400);
    expect(parseDuration('7d')).toBe(604_800);
    expect(() => parseDuration('0')).toThrow(UsageError);
    expect(() => parseDuration('1w')).toThrow(UsageError);
  });
});
