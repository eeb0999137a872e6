import { createHmacTokens } from '@parley/relay';
import { createSqliteStore } from '@parley/store-sqlite';
import { HELP, parseCommand, type TokenConfig, UsageError } from './args.ts';
import { tokenSecret } from './secret.ts';
import { type RunningRelay, startRelayServer } from './server.ts';

/** Where the CLI writes; the process's streams in production, buffers in tests. */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** Prints a token signed with the relay's secret (kept in the database, or PARLEY_SECRET). */
export const printToken = async (config: TokenConfig, io: CliIo): Promise<void> => {
  const store = createSqliteStore({ path: config.db });
  try {
    const tokens = createHmacTokens({ secret: tokenSecret(store.settings, config.secret) });
    io.out(
      await tokens.sign({
        userId: config.userId,
        scope: config.scope,
        ttlSeconds: config.ttlSeconds,
        ...(config.displayName ? { displayName: config.displayName } : {}),
      }),
    );
  } finally {
    store.close();
  }
};

/**
 * Runs one `parley-relay` invocation. Resolves with the exit status for one-shot commands; for
 * `serve` it resolves with the running relay, which the caller closes on a signal.
 *
 * @example
 * const result = await runCli(['token', '--user', 'alice'], process.env, io);
 */
export const runCli = async (
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: CliIo,
): Promise<number | RunningRelay> => {
  try {
    const command = parseCommand(argv, env);
    if (command.kind === 'help') {
      io.out(HELP);
      return 0;
    }
    if (command.kind === 'token') {
      await printToken(command.config, io);
      return 0;
    }
    const relay = await startRelayServer(command.config);
    io.out(`parley-relay listening on ${relay.url}`);
    return relay;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`parley-relay: ${error.message}\nRun "parley-relay --help" for usage.`);
      return 2;
    }
    io.err(`parley-relay: ${(error as Error).message ?? String(error)}`);
    return 1;
  }
};
