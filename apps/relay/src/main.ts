import { runCli } from './cli.ts';

/**
 * The `parley-relay` process: runs the command, and for `serve` shuts down cleanly on SIGTERM or
 * SIGINT (relay, server, store; exit 0). A second signal during shutdown exits at once with 1.
 */
const io = {
  out: (line: string) => process.stdout.write(`${line}\n`),
  err: (line: string) => process.stderr.write(`${line}\n`),
};

const result = await runCli(process.argv.slice(2), process.env, io);
if (typeof result === 'number') {
  process.exitCode = result;
} else {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    io.err(`parley-relay: ${signal}, shutting down`);
    result.close().then(
      () => process.exit(0),
      (error: unknown) => {
        io.err(`parley-relay: shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
