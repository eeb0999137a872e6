import { newThreadId, type OpPayload, type OpResult, timeOrderedId } from '@parley/model';
import { ParleyError } from '@parley/protocol';
import { type Context, Hono } from 'hono';
import type { Actor, RelayOperations, TokenVerifier } from '../api.ts';
import { bearerToken } from '../auth.ts';
import {
  messageJson,
  participantJson,
  readReceiptJson,
  threadItemJson,
  threadPropertiesJson,
} from './acsJson.ts';
import {
  messageTypeInput,
  optionalMetadata,
  optionalString,
  participantsInput,
  priorityInput,
  requiredString,
  userIdFromIdentifier,
} from './acsInput.ts';
import { errorResponse, readJsonObject } from './httpErrors.ts';
import { continuationParam, maxPageSizeParam, nextLink, skipParam, startTimeParam } from './paging.ts';

/** What the ACS routes need: the one implementation of every operation, and a token verifier. */
export interface AcsRoutesDeps {
  readonly operations: RelayOperations;
  readonly verifyToken: TokenVerifier;
  /** Called with errors that are not ParleyErrors (answered as 500 INTERNAL), e.g. to log them. */
  readonly onInternalError?: (error: unknown) => void;
}

/** ACS's page cap for messages; other lists may return a whole thread's members (250). */
const MAX_MESSAGE_PAGE = 200;
const MAX_LIST_PAGE = 250;
/** Longest `repeatability-request-id` accepted (a UUID is 36). */
const MAX_REPEATABILITY_ID = 256;

type Handler = (c: Context, actor: Actor, url: URL) => Promise<Response> | Response;

const json = (body: unknown, status: number, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=UTF-8', ...headers },
  });

const empty = (status: 200 | 204): Response => new Response(null, { status });

const param = (c: Context, name: string): string => {
  const value = c.req.param(name);
  if (value === undefined) throw new Error(`route has no :${name}`);
  return value;
};

const threadUrl = (url: URL, threadId: string): string =>
  `${url.origin}/chat/threads/${encodeURIComponent(threadId)}`;

const invalidParticipantsJson = (result: OpResult & { status: 'accepted' }) =>
  result.invalidParticipants && result.invalidParticipants.length > 0
    ? {
        invalidParticipants: result.invalidParticipants.map((p) => ({
          target: p.target,
          code: p.code,
          message: p.message,
        })),
      }
    : {};

/**
 * The ACS Chat REST API (api-version 2025-03-15) over `RelayOperations`: same routes, bodies,
 * status codes and paging as Azure Communication Services, so `@azure/communication-chat` works
 * against a relay unchanged. Every request needs `Authorization: Bearer <user token>`; errors are
 * `{error: {code, message}}` with Parley's code and its HTTP status.
 *
 * @example
 * const acs = createAcsRoutes({ operations: relay.operations, verifyToken });
 * app.route('/', acs); // POST /chat/threads, GET /chat/threads/:id/messages, …
 */
export const createAcsRoutes = (deps: AcsRoutesDeps): Hono => {
  const { operations } = deps;
  const app = new Hono();

  const authenticated =
    (handler: Handler) =>
    async (c: Context): Promise<Response> => {
      try {
        const token = bearerToken(c.req.header('authorization'));
        if (!token)
          throw new ParleyError('UNAUTHORIZED', 'The Authorization: Bearer <token> header is missing.');
        const claims = await deps.verifyToken(token);
        const actor: Actor = { userId: claims.userId, displayName: claims.displayName, scope: claims.scope };
        return await handler(c, actor, new URL(c.req.url));
      } catch (error) {
        return errorResponse(error, deps.onInternalError);
      }
    };

  /** Applies an intent with the request's repeatability id; a rejection becomes its ParleyError. */
  const apply = async (c: Context, actor: Actor, op: OpPayload) => {
    const key = c.req.header('repeatability-request-id');
    if (key !== undefined && (key.length === 0 || key.length > MAX_REPEATABILITY_ID))
      throw new ParleyError(
        'INVALID_REQUEST',
        `repeatability-request-id must be 1..${MAX_REPEATABILITY_ID} characters.`,
      );
    const result = await operations.apply(actor, op, key ? { idempotencyKey: key } : undefined);
    if (result.status === 'rejected') throw new ParleyError(result.code, result.reason);
    return result;
  };

  // ── threads ────────────────────────────────────────────────────────────────────────────────
  app.post(
    '/chat/threads',
    authenticated(async (c, actor, url) => {
      const body = await readJsonObject(c.req.raw);
      const topic = requiredString(body.topic, 'topic');
      const participants = participantsInput(body.participants, 'participants');
      const metadata = optionalMetadata(body.metadata, 'metadata');
      const result = await apply(c, actor, {
        type: 'createThread',
        threadId: newThreadId(),
        topic,
        participants,
        ...(metadata ? { metadata } : {}),
      });
      if (!result.threadId) throw new Error('createThread was accepted without a threadId');
      const chatThread = threadPropertiesJson(operations.getThread(actor, result.threadId));
      return json({ chatThread, ...invalidParticipantsJson(result) }, 201, {
        location: threadUrl(url, result.threadId),
      });
    }),
  );

  app.get(
    '/chat/threads',
    authenticated((_c, actor, url) => {
      const maxPageSize = maxPageSizeParam(url, MAX_LIST_PAGE);
      const startTime = startTimeParam(url);
      const continuation = continuationParam(url);
      const page = operations.listThreads(actor, {
        maxPageSize,
        ...(startTime ? { startTime } : {}),
        ...(continuation ? { continuation } : {}),
      });
      return json(
        {
          value: page.items.map(threadItemJson),
          ...(page.continuation
            ? { nextLink: nextLink(url, { syncState: page.continuation, maxPageSize, startTime }) }
            : {}),
        },
        200,
      );
    }),
  );

  app.get(
    '/chat/threads/:threadId',
    authenticated((c, actor) =>
      json(threadPropertiesJson(operations.getThread(actor, param(c, 'threadId'))), 200),
    ),
  );

  app.patch(
    '/chat/threads/:threadId',
    authenticated(async (c, actor) => {
      const body = await readJsonObject(c.req.raw);
      const topic = optionalString(body.topic, 'topic');
      const metadata = optionalMetadata(body.metadata, 'metadata');
      await apply(c, actor, {
        type: 'updateThread',
        threadId: param(c, 'threadId'),
        ...(topic !== undefined ? { topic } : {}),
        ...(metadata !== undefined ? { metadata } : {}),
      });
      return empty(204);
    }),
  );

  app.delete(
    '/chat/threads/:threadId',
    authenticated(async (c, actor) => {
      await apply(c, actor, { type: 'deleteThread', threadId: param(c, 'threadId') });
      return empty(204);
    }),
  );

  // ── messages ───────────────────────────────────────────────────────────────────────────────
  app.post(
    '/chat/threads/:threadId/messages',
    authenticated(async (c, actor, url) => {
      const threadId = param(c, 'threadId');
      const body = await readJsonObject(c.req.raw);
      const content = requiredString(body.content, 'content');
      const senderDisplayName = optionalString(body.senderDisplayName, 'senderDisplayName');
      const metadata = optionalMetadata(body.metadata, 'metadata');
      const priority = priorityInput(body.priority);
      const replyTo = optionalString(body.replyTo, 'replyTo');
      const result = await apply(c, actor, {
        type: 'sendMessage',
        threadId,
        messageId: timeOrderedId(),
        content,
        messageType: messageTypeInput(body.type),
        ...(senderDisplayName !== undefined ? { senderDisplayName } : {}),
        ...(metadata !== undefined ? { metadata } : {}),
        ...(priority !== undefined ? { priority } : {}),
        ...(replyTo !== undefined ? { replyTo } : {}),
      });
      if (!result.messageId) throw new Error('sendMessage was accepted without a messageId');
      return json({ id: result.messageId }, 201, {
        location: `${threadUrl(url, threadId)}/messages/${encodeURIComponent(result.messageId)}`,
      });
    }),
  );

  app.get(
    '/chat/threads/:threadId/messages',
    authenticated(async (c, actor, url) => {
      const maxPageSize = maxPageSizeParam(url, MAX_MESSAGE_PAGE);
      const startTime = startTimeParam(url);
      const continuation = continuationParam(url);
      const page = await operations.listMessages(actor, param(c, 'threadId'), {
        maxPageSize,
        ...(startTime ? { startTime } : {}),
        ...(continuation ? { continuation } : {}),
      });
      return json(
        {
          value: page.items.map(messageJson),
          ...(page.continuation
            ? { nextLink: nextLink(url, { syncState: page.continuation, maxPageSize, startTime }) }
            : {}),
        },
        200,
      );
    }),
  );

  app.get(
    '/chat/threads/:threadId/messages/:messageId',
    authenticated(async (c, actor) =>
      json(messageJson(await operations.getMessage(actor, param(c, 'threadId'), param(c, 'messageId'))), 200),
    ),
  );

  app.patch(
    '/chat/threads/:threadId/messages/:messageId',
    authenticated(async (c, actor) => {
      const body = await readJsonObject(c.req.raw);
      const content = optionalString(body.content, 'content');
      const metadata = optionalMetadata(body.metadata, 'metadata');
      await apply(c, actor, {
        type: 'editMessage',
        threadId: param(c, 'threadId'),
        messageId: param(c, 'messageId'),
        ...(content !== undefined ? { content } : {}),
        ...(metadata !== undefined ? { metadata } : {}),
      });
      return empty(204);
    }),
  );

  app.delete(
    '/chat/threads/:threadId/messages/:messageId',
    authenticated(async (c, actor) => {
      await apply(c, actor, {
        type: 'deleteMessage',
        threadId: param(c, 'threadId'),
        messageId: param(c, 'messageId'),
      });
      return empty(204);
    }),
  );

  // ── participants ───────────────────────────────────────────────────────────────────────────
  app.get(
    '/chat/threads/:threadId/participants',
    authenticated((c, actor, url) => {
      const maxPageSize = maxPageSizeParam(url, MAX_LIST_PAGE);
      const skip = skipParam(url);
      const page = operations.listParticipants(actor, param(c, 'threadId'), { maxPageSize, skip });
      const next = skip + page.items.length;
      const more = page.items.length > 0 && (next < page.total || page.continuation !== undefined);
      return json(
        {
          value: page.items.map(participantJson),
          ...(more ? { nextLink: nextLink(url, { maxPageSize, skip: next }) } : {}),
        },
        200,
      );
    }),
  );

  // ACS spells these `participants/:add` and `participants/:remove`: a literal colon, which Hono
  // would read as a parameter, so the last segment is matched as one and switched on.
  app.post(
    '/chat/threads/:threadId/participants/:action',
    authenticated(async (c, actor) => {
      const threadId = param(c, 'threadId');
      const action = param(c, 'action');
      if (action === ':add') {
        const body = await readJsonObject(c.req.raw);
        const participants = participantsInput(body.participants, 'participants', true);
        const result = await apply(c, actor, { type: 'addParticipants', threadId, participants });
        return json(invalidParticipantsJson(result), 201);
      }
      if (action === ':remove') {
        const body = await readJsonObject(c.req.raw);
        const userId = userIdFromIdentifier(body, 'participantCommunicationIdentifier');
        await apply(c, actor, { type: 'removeParticipant', threadId, userId });
        return empty(204);
      }
      return c.notFound();
    }),
  );

  // ── read receipts and typing ───────────────────────────────────────────────────────────────
  app.post(
    '/chat/threads/:threadId/readReceipts',
    authenticated(async (c, actor) => {
      const body = await readJsonObject(c.req.raw);
      const messageId = requiredString(body.chatMessageId, 'chatMessageId');
      await apply(c, actor, { type: 'sendReadReceipt', threadId: param(c, 'threadId'), messageId });
      return empty(200);
    }),
  );

  app.get(
    '/chat/threads/:threadId/readReceipts',
    authenticated((c, actor, url) => {
      const maxPageSize = maxPageSizeParam(url, MAX_LIST_PAGE);
      const skip = skipParam(url);
      const page = operations.listReadReceipts(actor, param(c, 'threadId'), { maxPageSize, skip });
      return json(
        {
          value: page.items.map(readReceiptJson),
          ...(page.continuation !== undefined && page.items.length > 0
            ? { nextLink: nextLink(url, { maxPageSize, skip: skip + page.items.length }) }
            : {}),
        },
        200,
      );
    }),
  );

  app.post(
    '/chat/threads/:threadId/typing',
    authenticated(async (c, actor) => {
      const body = await readJsonObject(c.req.raw, { optional: true });
      const senderDisplayName = optionalString(body.senderDisplayName, 'senderDisplayName');
      operations.sendTyping(actor, param(c, 'threadId'), senderDisplayName);
      return empty(200);
    }),
  );

  return app;
};
