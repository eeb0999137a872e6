/** A failure to report in one line, without a stack trace, with an exit code. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Wrong flags or arguments: exit code 2 and a pointer to --help. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
  }
}
