import { runCli } from './cli.ts';

// The `parley` process: real streams, colour only on a terminal, Ctrl-C ends `watch` cleanly.
const interrupted = new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
});
const status = await runCli(process.argv.slice(2), {
  write: (text) => process.stdout.write(text),
  err: (line) => process.stderr.write(`${line}\n`),
  color: process.stdout.isTTY === true && !process.env.NO_COLOR,
  env: process.env,
  interrupted,
});
// Let stdout drain (a pipe may be slower than the process), then leave with the status.
process.stdout.write('', () => process.exit(status));
