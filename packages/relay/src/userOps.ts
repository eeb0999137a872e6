import {
  type OpEnvelope,
  type OpResult,
  opsMap,
  pageDocName,
  readResult,
  resultsMap,
  userDocName,
  validateEnvelope,
  writeResult,
} from '@parley/model';
import { type ErrorCode, isParleyError, ParleyError } from '@parley/protocol';
import type { Actor } from './api.ts';
import type { Committer } from './committer.ts';
import type { DocHost } from './docHost.ts';
import { type OpProcessor, revokes } from './opProcessor.ts';
import type { RelayStore } from '@parley/model';
import type * as Y from 'yjs';

export interface UserOpsDeps {
  readonly store: RelayStore;
  readonly host: DocHost;
  readonly committer: Committer;
  readonly processor: OpProcessor;
  readonly now: () => number;
  readonly onResult?: (userId: string, opId: string, result: OpResult) => void;
}

/** Most ops one scan applies before yielding the turn to other sessions. */
const OPS_PER_UNIT = 200;
/** A scan that has run this long (ms) stops after the op it is on and queues another unit. */
const SCAN_BUDGET_MS = 10;

/**
 * Applies the intents devices wrote into `user:<id>` docs: each op id at most once (the store's op
 * table), each device's ops in `n` order (a gap waits for the missing op), the result written back
 * into the same user doc in the same transaction as the change it caused.
 */
export class UserOps {
  readonly #d: UserOpsDeps;
  /** Users with a scan queued, so a burst of updates causes one scan. */
  readonly #queued = new Set<string>();
  readonly #pending = new WeakMap<Y.Doc, Set<string>>();
  /** Per user doc: op ids whose device deleted the op while its result is still there. */
  readonly #retired = new WeakMap<Y.Doc, Set<string>>();

  constructor(deps: UserOpsDeps) {
    this.#d = deps;
  }

  /**
   * Schedules a scan of the user's doc for ready ops, acting as `actor`. With `join`, called from
   * inside a unit, the scan runs in the same batch (see `Committer.join`).
   */
  schedule(actor: Actor, join = false): void {
    if (this.#queued.has(actor.userId)) return;
    this.#queued.add(actor.userId);
    let current: OpEnvelope | undefined;
    const work = () => {
      this.#queued.delete(actor.userId);
      const more = this.#scan(actor, (op) => {
        current = op;
      });
      if (more) this.schedule(actor);
    };
    (join ? this.#d.committer.join(work) : this.#d.committer.run(work)).catch((error: unknown) => {
      this.#queued.delete(actor.userId);
      // A bug while applying `current`: the unit was rolled back. Reject that op alone so that
      // one poisonous intent cannot block its device forever, then go on.
      if (!current || isParleyError(error)) return;
      const poison = current;
      void this.#d.committer
        .run(() =>
          this.#record(
            actor.userId,
            poison,
            reject('INTERNAL', 'The relay failed to apply this intent.', this.#d.now()),
          ),
        )
        .then(
          () => this.schedule(actor),
          () => undefined,
        );
    });
  }

  /**
   * Op ids of a user doc that have no result yet, kept up to date by observing the `ops` map, so a
   * scan costs what is pending, not the user's whole history of intents. Also notes the ops that
   * their device deleted once it had seen the result (`#retired`): the scan deletes those results,
   * so that a user doc holds what is still in flight, not every intent the user ever made.
   */
  #pendingOf(doc: Y.Doc): Set<string> {
    let pending = this.#pending.get(doc);
    if (pending) return pending;
    const set = new Set<string>();
    const retired = new Set<string>();
    const ops = opsMap(doc);
    const results = resultsMap(doc);
    for (const opId of ops.keys()) if (!readResult(doc, opId)) set.add(opId);
    // Results only exist for ops that were in the doc: one without its op outlived a deletion
    // (the relay stopped in between).
    for (const opId of results.keys()) if (!ops.has(opId)) retired.add(opId);
    ops.observe((event) => {
      for (const key of event.keysChanged) {
        if (ops.has(key)) {
          if (!readResult(doc, key)) set.add(key);
        } else {
          set.delete(key);
          if (results.has(key)) retired.add(key);
        }
      }
    });
    this.#pending.set(doc, set);
    this.#retired.set(doc, retired);
    pending = set;
    return pending;
  }

  /** Deletes the results of ops their device deleted (inside the scan's transaction). */
  #dropRetired(doc: Y.Doc): void {
    const retired = this.#retired.get(doc);
    if (!retired || retired.size === 0) return;
    const ops = opsMap(doc);
    const results = resultsMap(doc);
    for (const opId of retired) if (!ops.has(opId)) results.delete(opId);
    retired.clear();
  }

  /** Applies ready ops; returns true when more remain for another unit. */
  #scan(actor: Actor, starting: (op: OpEnvelope) => void): boolean {
    const user = this.#d.host.open(userDocName(actor.userId));
    const byDevice = new Map<string, OpEnvelope[]>();
    const ops = opsMap(user.doc);
    for (const opId of [...this.#pendingOf(user.doc)]) {
      const raw = ops.get(opId);
      if (raw === undefined || readResult(user.doc, opId)) {
        this.#pendingOf(user.doc).delete(opId);
        continue;
      }
      let op: OpEnvelope;
      try {
        op = validateEnvelope(raw);
        if (op.id !== opId) throw new ParleyError('INVALID_REQUEST', 'The op id does not match its key.');
      } catch (error) {
        // A malformed intent gets a rejected result at once (it cannot be ordered).
        // Its device and n still count, so that the device's later ops are not held back.
        const code = isParleyError(error) ? error.code : 'INVALID_REQUEST';
        const reason = error instanceof Error ? error.message : 'Malformed intent.';
        this.#record(actor.userId, orderOf(raw), reject(code, reason, this.#d.now()), opId);
        continue;
      }
      const list = byDevice.get(op.device) ?? [];
      list.push(op);
      byDevice.set(op.device, list);
    }
    let applied = 0;
    let more = false;
    const started = performance.now();
    // One Yjs transaction on the user doc for the scan's results, and one on the current page of
    // each thread the scan sends to: one update (one encoding, one frame per subscriber) for a
    // device's burst of intents instead of one per intent and doc.
    inTransactions([user.doc, ...this.#pagesOf(actor.userId, byDevice)], () => {
      this.#dropRetired(user.doc);
      devices: for (const [device, ops] of byDevice) {
        ops.sort((a, b) => a.n - b.n);
        let last = this.#d.store.ops.lastN(actor.userId, device);
        for (const op of ops) {
          if (this.#d.store.ops.get(actor.userId, op.id)) continue; // applied already (e.g. via another path)
          if (op.n <= last) {
            // A reused n (a device that lost its counter): still apply once, in arrival order.
          } else if (op.n !== last + 1) break; // wait for the missing op
          // A revoking op starts a batch of its own (Committer.barrier): stop before it.
          if (
            applied >= OPS_PER_UNIT ||
            (applied > 0 && revokes(op.op.type)) ||
            (applied > 0 && performance.now() - started >= SCAN_BUDGET_MS)
          ) {
            more = true;
            break devices;
          }
          starting(op);
          this.#record(actor.userId, op, this.#apply(actor, op));
          last = Math.max(last, op.n);
          applied++;
        }
      }
    });
    return more;
  }

  /**
   * The current page docs of the threads that the scan's sendMessage intents go to, where the
   * sender is a member (others are rejected without loading anything).
   */
  #pagesOf(userId: string, byDevice: ReadonlyMap<string, readonly OpEnvelope[]>): Y.Doc[] {
    const threads = new Set<string>();
    for (const ops of byDevice.values())
      for (const op of ops) if (op.op.type === 'sendMessage') threads.add(op.op.threadId);
    const pages: Y.Doc[] = [];
    for (const threadId of threads) {
      const row = this.#d.store.threads.get(threadId);
      const member = row && !row.deletedOn ? this.#d.store.members.get(threadId, userId) : undefined;
      if (row && member && !member.removedOn)
        pages.push(this.#d.host.open(pageDocName(threadId, row.currentPage)).doc);
    }
    return pages;
  }

  #apply(actor: Actor, op: OpEnvelope): OpResult {
    try {
      return this.#d.store.transaction(() => this.#d.processor.run(actor, op.op));
    } catch (error) {
      if (!isParleyError(error)) throw error;
      return reject(this.#dependencyCode(actor.userId, op, error.code), error.message, this.#d.now());
    }
  }

  /** THREAD_NOT_FOUND / MESSAGE_NOT_FOUND caused by this user's own rejected intent → DEPENDENCY_FAILED. */
  #dependencyCode(userId: string, op: OpEnvelope, code: ErrorCode): ErrorCode {
    if (code !== 'THREAD_NOT_FOUND' && code !== 'MESSAGE_NOT_FOUND') return code;
    const user = this.#d.host.open(userDocName(userId));
    for (const [id, other] of opsMap(user.doc).entries()) {
      const result = readResult(user.doc, id);
      if (result?.status !== 'rejected' || typeof other !== 'object' || other === null) continue;
      const p = (other as OpEnvelope).op;
      if (!p || p.threadId !== op.op.threadId) continue;
      if (code === 'THREAD_NOT_FOUND' && p.type === 'createThread') return 'DEPENDENCY_FAILED';
      if (
        code === 'MESSAGE_NOT_FOUND' &&
        p.type === 'sendMessage' &&
        'messageId' in op.op &&
        p.messageId === op.op.messageId
      ) {
        return 'DEPENDENCY_FAILED';
      }
    }
    return code;
  }

  #record(
    userId: string,
    op: (Pick<OpEnvelope, 'device' | 'n'> & { id?: string }) | undefined,
    result: OpResult,
    opId = op?.id,
  ): void {
    if (!opId) return;
    const user = this.#d.host.open(userDocName(userId));
    writeResult(user.doc, opId, result);
    this.#pending.get(user.doc)?.delete(opId);
    this.#d.store.ops.put({ userId, opId, device: op?.device ?? '', n: op?.n ?? 0, result });
    this.#d.onResult?.(userId, opId, result);
  }
}

/** Runs `fn` inside a Yjs transaction on each of `docs` (nested; each commits as usual after). */
const inTransactions = (docs: readonly Y.Doc[], fn: () => void, i = 0): void => {
  const doc = docs[i];
  if (doc) doc.transact(() => inTransactions(docs, fn, i + 1));
  else fn();
};

const reject = (code: ErrorCode, reason: string, now: number): OpResult => ({
  status: 'rejected',
  at: new Date(now).toISOString(),
  code,
  reason,
});

/** The device and n of a malformed envelope, when those two fields are usable. */
const orderOf = (raw: unknown): { device: string; n: number } | undefined => {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { device, n } = raw as { device?: unknown; n?: unknown };
  return typeof device === 'string' && device.length <= 64 && Number.isSafeInteger(n) && (n as number) > 0
    ? { device, n: n as number }
    : undefined;
};
