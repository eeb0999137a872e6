import type { TokenScope } from '@parley/protocol';
import type { Policy } from './policy.ts';
import type { SessionLimits } from './sessionLimits.ts';
import type { OperationLogger } from './logging/operationLogger.ts';
import type { WebhookDeliveryOptions } from './webhooks/deliveryOptions.ts';
import type { WebhookSubscriptionInput } from './webhooks/subscriptions.ts';
import type {
  MemberRecord,
  MessageRecord,
  OpPayload,
  OpResult,
  ReceiptRecord,
  RelayStore,
  ThreadMeta,
} from '@parley/model';

/** Who is acting: from a verified token (users) or the admin key (operators). */
export interface Actor {
  readonly userId: string;
  readonly displayName: string;
  readonly scope: TokenScope;
}

/** Verified token claims. */
export interface TokenClaims extends Actor {
  /** Seconds since the epoch, if the token expires. */
  readonly expiresAt?: number;
}

/** Verifies a bearer token; rejects with ParleyError('UNAUTHORIZED') for anything not valid now. */
export type TokenVerifier = (token: string) => Promise<TokenClaims>;

export interface ApplyOptions {
  /** The intent's id (user-doc ops carry one; HTTP calls get a fresh one or the repeatability id). */
  readonly opId?: string;
  /** ACS `repeatability-request-id` / `idempotencyToken`: a repeated key returns the first result. */
  readonly idempotencyKey?: string;
}

export interface ListOptions {
  readonly maxPageSize?: number;
  /** Opaque continuation from a previous page. */
  readonly continuation?: string;
}

export interface Page<T> {
  readonly items: T[];
  /** Absent on the last page. */
  readonly continuation?: string;
}

export interface ThreadItem {
  readonly id: string;
  readonly topic: string;
  readonly deletedOn?: string;
  readonly lastMessageReceivedOn?: string;
}

/**
 * The relay's operations, one implementation behind both entry points: ops from `user:` docs and
 * the HTTP API. Every write goes through `apply`, which resolves after the change is committed.
 * Reads apply the actor's history visibility (fromSeq) and membership.
 */
export interface RelayOperations {
  apply(actor: Actor, op: OpPayload, options?: ApplyOptions): Promise<OpResult>;
  getThread(actor: Actor, threadId: string): ThreadMeta;
  listThreads(actor: Actor, options?: ListOptions & { readonly startTime?: string }): Page<ThreadItem>;
  listMessages(
    actor: Actor,
    threadId: string,
    options?: ListOptions & { readonly startTime?: string },
  ): Promise<Page<MessageRecord>>;
  getMessage(actor: Actor, threadId: string, messageId: string): Promise<MessageRecord>;
  listParticipants(
    actor: Actor,
    threadId: string,
    options?: { readonly maxPageSize?: number; readonly skip?: number },
  ): Page<MemberRecord> & { readonly total: number };
  listReadReceipts(
    actor: Actor,
    threadId: string,
    options?: { readonly maxPageSize?: number; readonly skip?: number },
  ): Page<ReceiptRecord>;
  /** Typing over HTTP (ACS's POST /typing): fanned out over awareness as the actor. */
  sendTyping(actor: Actor, threadId: string, senderDisplayName?: string): void;
}

export interface RelayOptions {
  readonly store: RelayStore;
  readonly verifyToken: TokenVerifier;
  /** Needed for /admin/* routes; without it they answer 401. */
  readonly adminKey?: string;
  /** Issues development tokens for POST /admin/tokens (see auth.ts `createHmacTokens`). */
  readonly issueToken?: (claims: {
    userId: string;
    displayName?: string;
    scope?: TokenScope;
    ttlSeconds?: number;
  }) => Promise<string>;
  /** Messages per page doc before a new page opens (default 1000). */
  readonly pageSize?: number;
  /**
   * Docs nothing read or changed for this many ms leave memory (default 30 000): unloaded when
   * nobody subscribes, put to sleep otherwise (the Y.Doc is dropped and loaded again on next use).
   */
  readonly unloadAfterMs?: number;
  /** Log entries since the snapshot that trigger compaction (default 500). */
  readonly compactAfterUpdates?: number;
  /** ACS's 20-member cutoff for typing and receipts, off by default (Parley keeps them to 250). */
  readonly presenceMemberCutoff?: number;
  /** Who may do what (default: ACS's rules, see policy.ts). */
  readonly policy?: Policy;
  /** Frame, rate and buffer limits per session (defaults in session.ts). */
  readonly sessionLimits?: Partial<SessionLimits>;
  /** Head activity (lastSeq, lastMessageOn, current page count) is written at most once per
   * thread per window, in ms (default 250); the head doc would otherwise grow with every message. */
  readonly activityWindowMs?: number;
  /** Group commit: while the event loop is more than half busy, changes commit (and are
   * delivered) at most once per window, in ms (default 10); a quiet relay commits at the end of
   * each event-loop turn. 0: every turn. */
  readonly commitWindowMs?: number;
  /** Read receipts in threads with at least `receiptPaceMinSubscribers` (default 32) head
   * subscribers are delivered at most once per window per thread, merged, in ms (default 250; the
   * first after a quiet spell at once). 0: every receipt is delivered with its commit. The window
   * grows with the thread as the awareness window does (`awarenessWritesPerSecond`), and whichever
   * of the two is due first sends the other's pending batch with it: one socket write per member. */
  readonly receiptPaceMs?: number;
  readonly receiptPaceMinSubscribers?: number;
  /** Awareness fan-out window per thread in ms (default 250: at most 4 batches a second). */
  readonly awarenessWindowMs?: number;
  /** Socket writes per second a thread's awareness fan-out, and its paced receipts, may cost
   * (default 600): above 150 subscribers (at the default window) the window grows with the
   * thread. Infinity: off. */
  readonly awarenessWritesPerSecond?: number;
  /** Errors that are not ParleyErrors (bugs, storage failures); default: console.error. */
  readonly onInternalError?: (error: unknown) => void;
  /** Clock, for tests. */
  readonly now?: () => number;
  /**
   * One structured line per operation (HTTP request or user-doc intent); pino's logger fits.
   * Default: no logs.
   */
  readonly logger?: OperationLogger;
  /**
   * Serves `GET /metrics` on the app, for `Authorization: Bearer <metricsToken>` only. Without it the
   * app has no /metrics route: serve `relay.metrics.render()` on a separate (private) port instead.
   */
  readonly metricsToken?: string;
  /** Webhook subscriptions from the config file, upserted by id at start (each needs id and secret). */
  readonly webhooks?: readonly WebhookSubscriptionInput[];
  /** Webhook delivery tunables (timeouts, attempts, backoff); defaults in `defaultWebhookDelivery`. */
  readonly webhookDelivery?: Partial<WebhookDeliveryOptions>;
  /** CloudEvents `source` of webhook events (default `/parley/relay`). */
  readonly webhookSource?: string;
}
