import { pino } from 'pino';
import type { OperationLogger } from './operationLogger.ts';

/** Log levels of `createJsonLogger`; `silent` writes nothing. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/**
 * A pino logger writing one JSON line per operation to stdout (or `destination`), with ISO times
 * and the `authorization` and `cookie` fields redacted should anything ever pass them.
 *
 * @example
 * createRelay({ store, verifyToken, logger: createJsonLogger('info') });
 * // {"level":30,"time":"2026-11-25T19:30:00.000Z","operation":"SendChatMessage","resultCode":"Success",…}
 */
export const createJsonLogger = (
  level: LogLevel = 'info',
  destination?: NodeJS.WritableStream,
): OperationLogger => {
  const options = {
    level,
    base: { service: 'parley-relay' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: ['authorization', 'cookie', 'token', '*.authorization', '*.token'],
  };
  return destination ? pino(options, destination as unknown as pino.DestinationStream) : pino(options);
};
