import { type HiddenPredicate, encodeRedactedState, headDocName } from '@parley/model';
import type { ErrorCode } from '@parley/protocol';
import type { AccessControl } from './access.ts';
import type { Actor, TokenVerifier } from './api.ts';
import type { AwarenessRelay } from './awarenessRelay.ts';
import type { Committer } from './committer.ts';
import type { DocHost, HostedDoc } from './docHost.ts';
import type { RelaySignals } from './signals.ts';
import type { SessionMetrics } from './sessionMetrics.ts';
import { applyClientUpdate } from './syncMessages.ts';
import type { UserOps } from './userOps.ts';

/** A connected session as the hub sees it (both socket endpoints). */
export interface HubSession {
  readonly id: string;
  readonly claims: { readonly userId: string } | undefined;
  readonly subs: ReadonlyMap<string, unknown>;
  revoke(docName: string, code: ErrorCode, message?: string): void;
}

export interface SessionHubDeps {
  readonly verifyToken: TokenVerifier;
  readonly access: AccessControl;
  readonly host: DocHost;
  readonly committer: Committer;
  readonly userOps: UserOps;
  readonly awareness: AwarenessRelay;
  readonly metrics: SessionMetrics;
  readonly onInternalError: (error: unknown) => void;
}

/**
 * What every session shares: the docs, the access rules, and the registry of sessions by user,
 * which revocation uses to reach every session and device of a removed member at once.
 */
export class SessionHub implements SessionHubDeps {
  readonly verifyToken: TokenVerifier;
  readonly access: AccessControl;
  readonly host: DocHost;
  readonly committer: Committer;
  readonly userOps: UserOps;
  readonly awareness: AwarenessRelay;
  readonly metrics: SessionMetrics;
  readonly onInternalError: (error: unknown) => void;
  readonly #byUser = new Map<string, Set<HubSession>>();

  constructor(deps: SessionHubDeps) {
    this.verifyToken = deps.verifyToken;
    this.access = deps.access;
    this.host = deps.host;
    this.committer = deps.committer;
    this.userOps = deps.userOps;
    this.awareness = deps.awareness;
    this.metrics = deps.metrics;
    this.onInternalError = deps.onInternalError;
  }

  get sessionCount(): number {
    let n = 0;
    for (const set of this.#byUser.values()) n += set.size;
    return n;
  }

  register(session: HubSession): void {
    const userId = session.claims?.userId;
    if (!userId) return;
    let set = this.#byUser.get(userId);
    if (!set) {
      set = new Set();
      this.#byUser.set(userId, set);
    }
    set.add(session);
    this.metrics.sessions?.(1);
  }

  unregister(session: HubSession): void {
    const userId = session.claims?.userId;
    if (!userId) return;
    const set = this.#byUser.get(userId);
    if (!set?.delete(session)) return;
    if (set.size === 0) this.#byUser.delete(userId);
    this.metrics.sessions?.(-1);
  }

  sessionsOf(userId: string): readonly HubSession[] {
    return [...(this.#byUser.get(userId) ?? [])];
  }

  /** Revokes every subscription of `userId` to the thread's head and pages. */
  revokeThread(userId: string, threadId: string, code: ErrorCode): void {
    const head = headDocName(threadId);
    for (const session of this.sessionsOf(userId)) {
      for (const docName of [...session.subs.keys()]) {
        if (docName !== head && !docName.startsWith(`${head}:`)) continue;
        // What was committed before the revocation but held back by pacing reaches them first.
        const hosted = this.host.peek(docName);
        if (hosted) this.host.flushHeld(hosted);
        session.revoke(docName, code);
      }
    }
    this.awareness.forgetUser(threadId, userId);
  }

  /** The step-2 answer to a client's state vector: redacted for a member with hidden history. */
  syncAnswer(hosted: HostedDoc, hidden: HiddenPredicate | undefined, stateVector: Uint8Array): Uint8Array {
    return hidden
      ? encodeRedactedState(hosted.doc, hidden, stateVector)
      : this.host.stateAsUpdate(hosted, stateVector);
  }

  /**
   * Applies a client's update to a doc it may write (its user doc) and, in the same batch, the
   * intents it carries: one commit per message, not two. Rejects with INVALID_UPDATE.
   */
  acceptClientUpdate(hosted: HostedDoc, update: Uint8Array, sessionId: string, actor: Actor): Promise<void> {
    return this.committer.run(() => {
      applyClientUpdate(hosted.doc, update, sessionId, (u, origin) => this.host.applyFrom(hosted, u, origin));
      this.userOps.schedule(actor, true);
    });
  }

  /** Signals that end subscriptions. */
  readonly signals: RelaySignals = {
    participantRemoved: (e) => this.revokeThread(e.removed, e.threadId, 'NOT_A_MEMBER'),
    threadDeleted: (e) => {
      for (const userId of e.members) this.revokeThread(userId, e.threadId, 'THREAD_DELETED');
      this.awareness.dropThread(e.threadId);
    },
  };
}
