import type { OpResult } from './ops.ts';
import type { Role } from './records.ts';

/**
 * Storage seams, in the relay's terms (not SQLite's). `@parley/store-sqlite` implements them on
 * SQLite; `@parley/testing` has in-memory implementations and the conformance suites both pass.
 * Every method is synchronous: the relay batches the writes of one event-loop turn inside one
 * `transaction()`, and a write is either committed with it or not at all.
 */

export interface StoredUpdate {
  /** Increasing within a doc's log; compaction folds a prefix of ids. */
  readonly id: number;
  readonly update: Uint8Array;
  /** Milliseconds since the epoch when it was appended. */
  readonly at: number;
}

export interface DocStats {
  readonly updates: number;
  readonly updateBytes: number;
  readonly snapshotBytes: number;
}

/** Yjs documents as a snapshot plus an append-only update log. */
export interface DocStore {
  /** Appends one update to a doc's log; returns its id. */
  append(docName: string, update: Uint8Array): number;
  /**
   * Appends several updates as one log entry; returns its id. `load` gives them back in order, as
   * separate updates sharing that id (compaction drops them together). The relay logs a batch's
   * changes to a doc this way: merging them first (`Y.mergeUpdates`) decoded and re-encoded every
   * message again, 12 % of its CPU per message in bench W1.
   */
  appendAll(docName: string, updates: readonly Uint8Array[]): number;
  /** The snapshot (null if never compacted) and the log after it, oldest first. */
  load(docName: string): { readonly snapshot: Uint8Array | null; readonly updates: readonly StoredUpdate[] };
  /** Stores `snapshot` and drops log entries with id ≤ `throughId`, atomically. */
  compact(docName: string, snapshot: Uint8Array, throughId: number): void;
  /** Deletes docs whose name is `docName` or starts with `docName + ':'` (a head and its pages). */
  delete(docName: string): void;
  stats(docName: string): DocStats;
  /** Doc names, optionally those starting with `prefix`, sorted. */
  list(prefix?: string): string[];
}

export interface ThreadRow {
  readonly id: string;
  readonly topic: string;
  readonly createdBy: string;
  readonly createdOn: string;
  readonly deletedOn: string | null;
  readonly lastMessageOn: string | null;
  readonly lastSeq: number;
  readonly currentPage: number;
  /** repeatability-request-id / idempotency token that created it, if any. */
  readonly idempotencyKey: string | null;
}

export interface ThreadStore {
  put(row: ThreadRow): void;
  get(id: string): ThreadRow | undefined;
  findByIdempotencyKey(createdBy: string, key: string): ThreadRow | undefined;
  /** All threads (for operators), newest activity first. */
  list(options?: { readonly includeDeleted?: boolean; readonly limit?: number }): ThreadRow[];
  /** Removes the thread row and every row that refers to it (members, index, receipts). */
  purge(id: string): void;
}

export interface MemberRow {
  readonly threadId: string;
  readonly userId: string;
  readonly displayName: string;
  readonly role: Role;
  readonly addedBy: string;
  readonly addedOn: string;
  readonly fromSeq: number;
  readonly generation: number;
  readonly removedOn: string | null;
}

export interface MemberStore {
  put(row: MemberRow): void;
  get(threadId: string, userId: string): MemberRow | undefined;
  /** Members of a thread in the order they were added; removed ones only if asked. */
  list(threadId: string, options?: { readonly includeRemoved?: boolean }): MemberRow[];
  /** Memberships of a user (current and removed), newest thread activity first. */
  threadsOf(userId: string): MemberRow[];
  countActive(threadId: string): number;
}

export interface MessageRow {
  readonly threadId: string;
  readonly messageId: string;
  readonly page: number;
  readonly seq: number;
  readonly sender: string | null;
  readonly type: string;
  readonly priority: string;
  readonly createdOn: string;
  readonly deletedOn: string | null;
}

export interface UsageRow {
  readonly day: string;
  readonly threadId: string;
  readonly userId: string;
  readonly messages: number;
}

/** The message index: id → page and seq, and the source of usage figures. */
export interface MessageIndex {
  put(row: MessageRow): void;
  get(threadId: string, messageId: string): MessageRow | undefined;
  /** Rows of a thread by seq, `order` 'desc' (newest first, the default) or 'asc'. */
  list(
    threadId: string,
    options?: {
      readonly beforeSeq?: number;
      readonly afterSeq?: number;
      readonly limit?: number;
      readonly order?: 'asc' | 'desc';
    },
  ): MessageRow[];
  /** First seq at or after `time` (ISO), or undefined when no message is that new. */
  firstSeqAtOrAfter(threadId: string, time: string): number | undefined;
  /** Messages sent per day, thread and user between two ISO times (user messages only). */
  usage(from: string, to: string): UsageRow[];
}

export interface OpRow {
  readonly userId: string;
  readonly opId: string;
  readonly device: string;
  readonly n: number;
  readonly result: OpResult;
}

/** Applied ops with their results: an op id is applied at most once. */
export interface OpStore {
  get(userId: string, opId: string): OpRow | undefined;
  put(row: OpRow): void;
  /** Highest `n` applied for a device of a user, 0 if none. */
  lastN(userId: string, device: string): number;
}

export interface ReceiptRow {
  readonly threadId: string;
  readonly userId: string;
  readonly messageId: string;
  readonly seq: number;
  readonly readOn: string;
}

export interface ReceiptStore {
  /** Keeps the higher of the stored and the given seq (a high-water mark). */
  put(row: ReceiptRow): void;
  list(threadId: string): ReceiptRow[];
}

export interface SettingsStore {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
}

/** A webhook subscription (Event Grid style): where to deliver which events, signed with `secret`. */
export interface WebhookSubscriptionRow {
  readonly id: string;
  /** The receiver's absolute http(s) URL. */
  readonly url: string;
  /** Short ACS event type names (`ChatMessageReceived`, …) the receiver wants. */
  readonly eventTypes: readonly string[];
  /** Only events of this thread, when set. */
  readonly threadId: string | null;
  /** HMAC-SHA256 key for the `webhook-signature` header. */
  readonly secret: string;
  readonly createdOn: string;
}

/** An event waiting in the outbox to be delivered to one subscription. */
export interface OutboxEntry {
  readonly subscriptionId: string;
  /** The CloudEvent id: the same on every attempt, so receivers can drop duplicates. */
  readonly eventId: string;
  /** The CloudEvent JSON, exactly the bytes that are signed and posted. */
  readonly body: string;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
}

/** An outbox row as stored: with its row id and delivery state. */
export interface OutboxRow extends OutboxEntry {
  readonly id: number;
  readonly attempts: number;
  /** When the next attempt may start (ms since the epoch). */
  readonly dueAt: number;
  readonly lastError: string | null;
}

/** An event given up on after too many attempts or too long. */
export interface DeadLetterRow extends OutboxRow {
  readonly deadAt: number;
}

/** How one delivery attempt ended: delivered (row removed), retry later, or dead-lettered. */
export type OutboxOutcome =
  | { readonly kind: 'delivered' }
  | { readonly kind: 'retry'; readonly dueAt: number; readonly error: string }
  | { readonly kind: 'dead'; readonly at: number; readonly error: string };

/**
 * Webhook subscriptions and their durable delivery outbox. `enqueue` is called inside the change's
 * transaction, so an event exists if and only if its change committed.
 */
export interface WebhookStore {
  /** Inserts or replaces a subscription by id. */
  putSubscription(row: WebhookSubscriptionRow): void;
  /** Deletes a subscription and its pending outbox rows; false when there was none. */
  deleteSubscription(id: string): boolean;
  /** All subscriptions, oldest first. */
  listSubscriptions(): WebhookSubscriptionRow[];
  /** Adds events to the outbox, due at once (attempts 0). */
  enqueue(entries: readonly OutboxEntry[]): void;
  /**
   * Rows due at `now` (oldest due first, at most `limit`), leased: their `dueAt` moves to
   * `now + leaseMs`, so a crash mid-delivery makes them due again and nothing is lost.
   */
  claim(now: number, limit: number, leaseMs: number): OutboxRow[];
  /** Records an attempt's outcome (`attempts` + 1 on retry and dead). */
  settle(id: number, outcome: OutboxOutcome): void;
  /** Dead letters, newest first. */
  deadLetters(options?: { readonly limit?: number; readonly subscriptionId?: string }): DeadLetterRow[];
  /** Rows waiting in the outbox (not dead). */
  outboxDepth(): number;
}

/** Everything the relay persists. */
export interface RelayStore {
  readonly docs: DocStore;
  readonly threads: ThreadStore;
  readonly members: MemberStore;
  readonly messages: MessageIndex;
  readonly ops: OpStore;
  readonly receipts: ReceiptStore;
  readonly settings: SettingsStore;
  /** Webhook subscriptions and the delivery outbox. */
  readonly webhooks: WebhookStore;
  /** Runs `fn` in one transaction: all its writes commit together, or none if it throws. Nests. */
  transaction<T>(fn: () => T): T;
  close(): void;
}

/** A Node client's local copy of its docs (browsers use IndexedDB instead). */
export interface LocalDocStore {
  /** Everything stored for a doc, to apply in order (snapshot first). */
  load(docName: string): Uint8Array[];
  append(docName: string, update: Uint8Array): void;
  /** Replaces a doc's stored state with one update (compaction, or a reset to another generation). */
  replace(docName: string, state: Uint8Array): void;
  delete(docName: string): void;
  list(): string[];
  /** Small per-store values: the device id, each doc's generation. */
  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;
  close(): void;
}
