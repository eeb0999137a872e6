import { HELP, parseCommand, UsageError } from './args.ts';
import type { RunningRelay } from './server.ts';

/** Where the CLI writes; the process's streams in production, buffers in tests. */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/**
 * Runs one `parley-relay` invocation. Resolves with the exit status for one-shot commands; for
 * `serve` it resolves with the running relay, which the caller closes on a signal. The relay and
 * the store load only for the commands that need them, so `--help` answers at once.
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
      const { signToken } = await import('./token.ts');
      io.out(await signToken(command.config));
      return 0;
    }
    const { startRelayServer } = await import('./server.ts');
    const relay = await startRelayServer(command.config);
    io.out(`parley-relay listening on ${relay.url}`);
    if (relay.metricsUrl) io.out(`parley-relay metrics on ${relay.metricsUrl}`);
    return relay;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`parley-relay: ${error.message}\nRun "parley-relay --help" for usage.`);
      return 2;
    }
    io.err(`parley-relay: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
};
