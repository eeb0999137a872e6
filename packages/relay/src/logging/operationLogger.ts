/**
 * Where operation logs go: pino's `Logger` fits (`logger.info(fields, msg)`), as does anything with
 * an `info` method. One JSON object per operation.
 *
 * @example
 * const logger: OperationLogger = { info: (fields) => console.log(JSON.stringify(fields)) };
 */
export interface OperationLogger {
  info(fields: Record<string, unknown>, message?: string): void;
}
