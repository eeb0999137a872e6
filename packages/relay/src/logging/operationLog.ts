import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { OpPayload, OpResult } from '@parley/model';
import type { MiddlewareHandler } from 'hono';
import type { Actor, RelayOperations, TokenVerifier } from '../api.ts';
import { operationOf, operationOfOp } from '../metrics/acsOperations.ts';
import type { RelayMetrics } from '../metrics/relayMetrics.ts';
import type { OperationLogger } from './operationLogger.ts';

export type { OperationLogger } from './operationLogger.ts';

/** The fields of one operation line. Never message content, never tokens. */
export interface OperationLine {
  operation: string;
  /** `Success`, or Parley's error code (`NOT_A_MEMBER`, …). */
  resultCode: string;
  /** HTTP status for requests. */
  status?: number;
  durationMs: number;
  userId?: string;
  threadId?: string;
  messageId?: string;
  /** `x-ms-client-request-id` / `x-correlation-id` of the request (or a new one); the op id for intents. */
  correlationId: string;
  /** `http` or `sync` (an intent from a user doc). */
  source: 'http' | 'sync';
}

interface RequestState {
  userId?: string;
  threadId?: string;
  messageId?: string;
  code?: string;
}

/** The last intent the processor ran, picked up by the user-doc result that follows it. */
interface IntentObservation {
  readonly userId: string;
  readonly op: OpPayload;
  readonly ms: number;
}

/** Correlation header names, first match wins; the chosen id is echoed as `x-correlation-id`. */
const CORRELATION_HEADERS = ['x-ms-client-request-id', 'x-correlation-id', 'x-request-id'];

const MAX_CORRELATION_ID = 128;

/**
 * Structured logs and request metrics per operation: a Hono middleware for HTTP requests (one line
 * each, with the user from the verified token and the ids from the path or the intent), and hooks
 * for intents arriving through user docs (one line each, correlated by op id).
 *
 * @example
 * const log = createOperationLog({ logger: pino(), metrics });
 * app.use('*', log.middleware);
 */
export const createOperationLog = (deps: { logger?: OperationLogger; metrics: RelayMetrics }) => {
  const { logger, metrics } = deps;
  const requests = new AsyncLocalStorage<RequestState>();
  let last: IntentObservation | undefined;

  const write = (line: OperationLine) => {
    try {
      logger?.info(line as unknown as Record<string, unknown>, 'operation');
    } catch {
      // Observers never veto.
    }
  };

  const middleware: MiddlewareHandler = async (c, next) => {
    const url = new URL(c.req.url);
    const named = operationOf(c.req.method, url.pathname);
    if (!named) return next();
    const given = CORRELATION_HEADERS.map((h) => c.req.header(h)).find(
      (v) => v && v.length <= MAX_CORRELATION_ID,
    );
    const correlationId = given ?? randomUUID();
    const state: RequestState = {};
    const started = performance.now();
    await requests.run(state, () => next());
    const durationMs = performance.now() - started;
    const status = c.res.status;
    let code = state.code;
    if (status >= 400 && code === undefined) {
      code = await c.res
        .clone()
        .json()
        .then(
          (b) => (b as { error?: { code?: string } }).error?.code,
          () => undefined,
        );
    }
    c.res.headers.set('x-correlation-id', correlationId);
    metrics.request(named.operation, status, durationMs / 1000);
    const threadId = state.threadId ?? named.threadId;
    const messageId = state.messageId ?? named.messageId;
    write({
      operation: named.operation,
      resultCode: status < 400 ? 'Success' : (code ?? `HTTP_${status}`),
      status,
      durationMs: Math.round(durationMs * 1000) / 1000,
      ...(state.userId ? { userId: state.userId } : {}),
      ...(threadId ? { threadId } : {}),
      ...(messageId ? { messageId } : {}),
      correlationId,
      source: 'http',
    });
  };

  /** Notes the verified user on the current request. */
  const wrapVerifier =
    (verify: TokenVerifier): TokenVerifier =>
    async (token) => {
      const claims = await verify(token);
      const state = requests.getStore();
      if (state) state.userId = claims.userId;
      return claims;
    };

  /** Notes the intent's thread, message and result on the current request. */
  const wrapOperations = (operations: RelayOperations): RelayOperations => ({
    ...operations,
    apply: async (actor: Actor, op: OpPayload, options) => {
      const result = await operations.apply(actor, op, options);
      const state = requests.getStore();
      if (state) {
        state.threadId ??= result.status === 'accepted' ? result.threadId : op.threadId;
        const messageId = result.status === 'accepted' ? result.messageId : undefined;
        state.messageId ??= messageId ?? ('messageId' in op ? op.messageId : undefined);
        if (result.status === 'rejected') state.code = result.code;
      }
      return result;
    },
  });

  /** Called by the op processor for every intent it runs (every path). */
  const observeOp = (actor: Actor, op: OpPayload, result: string, ms: number) => {
    metrics.op(op.type, result, ms / 1000);
    last = { userId: actor.userId, op, ms };
  };

  /** Called when a user-doc intent gets its result: one `sync` line. */
  const intentResult = (userId: string, opId: string, result: OpResult) => {
    const seen = last?.userId === userId ? last : undefined;
    last = undefined;
    const threadId = (result.status === 'accepted' ? result.threadId : undefined) ?? seen?.op.threadId;
    const messageId =
      (result.status === 'accepted' ? result.messageId : undefined) ??
      (seen && 'messageId' in seen.op ? seen.op.messageId : undefined);
    write({
      operation: seen ? operationOfOp(seen.op.type) : 'InvalidIntent',
      resultCode: result.status === 'accepted' ? 'Success' : result.code,
      durationMs: Math.round((seen?.ms ?? 0) * 1000) / 1000,
      userId,
      ...(threadId ? { threadId } : {}),
      ...(messageId ? { messageId } : {}),
      correlationId: opId,
      source: 'sync',
    });
  };

  return { middleware, wrapVerifier, wrapOperations, observeOp, intentResult };
};

/** What `createOperationLog` returns. */
export type OperationLog = ReturnType<typeof createOperationLog>;
