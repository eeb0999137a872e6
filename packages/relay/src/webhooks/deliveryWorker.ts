import type { OutboxOutcome, OutboxRow, RelayStore, WebhookSubscriptionRow } from '@parley/model';
import { CLOUDEVENTS_CONTENT_TYPE } from './cloudEvent.ts';
import type { WebhookDeliveryOptions } from './deliveryOptions.ts';
import { SIGNATURE_HEADER, signWebhookBody } from './signature.ts';

/** How one attempt ended, for metrics. */
export type DeliveryResult = 'delivered' | 'failed' | 'timeout' | 'rejected_handshake' | 'dead';

export interface DeliveryWorkerDeps {
  readonly store: RelayStore;
  readonly subscription: (id: string) => WebhookSubscriptionRow | undefined;
  readonly options: WebhookDeliveryOptions;
  readonly now: () => number;
  /** For the jitter; default Math.random. */
  readonly random?: () => number;
  readonly onAttempt?: (result: DeliveryResult, ms: number) => void;
  readonly onInternalError: (error: unknown) => void;
}

class DeliveryError extends Error {
  constructor(
    message: string,
    readonly result: Exclude<DeliveryResult, 'delivered' | 'dead'>,
    readonly permanent = false,
  ) {
    super(message);
  }
}

/**
 * Delivers the outbox off the commit path: a timer-driven loop (unref'd) claims due rows with a
 * lease, posts them concurrency-limited with a timeout, and settles each row — delivered, retried
 * with backoff and full jitter, or dead-lettered after `maxAttempts` or `maxAge`. Before the first
 * delivery to a URL it runs the CloudEvents abuse-protection handshake (OPTIONS with
 * `WebHook-Request-Origin`, expecting `WebHook-Allowed-Origin`), remembered per subscription and URL.
 *
 * @example
 * const worker = new DeliveryWorker({ store, subscription: outbox.subscription, options, now, onInternalError });
 * worker.start(); … worker.kick(); … await worker.close();
 */
export class DeliveryWorker {
  readonly #d: DeliveryWorkerDeps;
  readonly #validated = new Map<string, Promise<void>>();
  readonly #inFlight = new Map<number, Promise<void>>();
  readonly #abort = new AbortController();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #soon = false;
  #closed = false;

  constructor(deps: DeliveryWorkerDeps) {
    this.#d = deps;
  }

  /** Starts the polling loop. */
  start(): void {
    this.#schedule(0);
  }

  /** Looks for due rows soon (after a commit that enqueued some). */
  kick(): void {
    if (this.#closed || this.#soon) return;
    this.#soon = true;
    setImmediate(() => {
      this.#soon = false;
      this.#tick();
    });
  }

  /** Stops the loop and aborts requests in flight; their rows stay leased and are retried later. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#abort.abort();
    await Promise.allSettled([...this.#inFlight.values()]);
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  #schedule(ms: number): void {
    if (this.#closed) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#tick(), ms);
    this.#timer.unref?.();
  }

  #tick(): void {
    if (this.#closed) return;
    const { store, options, now } = this.#d;
    try {
      const free = options.concurrency - this.#inFlight.size;
      const rows = free > 0 ? store.webhooks.claim(now(), free, options.timeoutMs * 2 + 2000) : [];
      for (const row of rows) {
        const p = this.#deliver(row).finally(() => {
          this.#inFlight.delete(row.id);
          // Refill in batches (half the slots free), not one claim per finished delivery.
          if (this.#inFlight.size <= options.concurrency / 2) this.kick();
        });
        this.#inFlight.set(row.id, p);
      }
    } catch (error) {
      this.#d.onInternalError(error);
    }
    this.#schedule(options.pollMs);
  }

  async #deliver(row: OutboxRow): Promise<void> {
    const sub = this.#d.subscription(row.subscriptionId);
    if (!sub) {
      // Deleted since it was enqueued: nothing to deliver to.
      this.#settle(row, { kind: 'delivered' });
      return;
    }
    const started = performance.now();
    try {
      await this.#handshake(sub);
      await this.#post(sub, row);
      this.#d.onAttempt?.('delivered', performance.now() - started);
      this.#settle(row, { kind: 'delivered' });
    } catch (error) {
      if (this.#closed) return; // aborted by close(): the lease brings it back after a restart
      const e = error instanceof DeliveryError ? error : new DeliveryError(describe(error), 'failed');
      this.#d.onAttempt?.(e.result, performance.now() - started);
      this.#settle(row, this.#failure(row, e));
    }
  }

  #failure(row: OutboxRow, e: DeliveryError): OutboxOutcome {
    const { options, now } = this.#d;
    const t = now();
    const attempts = row.attempts + 1;
    if (e.permanent || attempts >= options.maxAttempts || t - row.createdAt >= options.maxAgeMs) {
      this.#d.onAttempt?.('dead', 0);
      return { kind: 'dead', at: t, error: e.message };
    }
    const cap = Math.min(options.backoffBaseMs * 2 ** row.attempts, options.backoffMaxMs);
    const delay = Math.floor((this.#d.random ?? Math.random)() * cap);
    return { kind: 'retry', dueAt: t + delay, error: e.message };
  }

  #settle(row: OutboxRow, outcome: OutboxOutcome): void {
    try {
      this.#d.store.webhooks.settle(row.id, outcome);
    } catch (error) {
      this.#d.onInternalError(error);
    }
  }

  #signal(): AbortSignal {
    return AbortSignal.any([this.#abort.signal, AbortSignal.timeout(this.#d.options.timeoutMs)]);
  }

  /** The abuse-protection handshake, once per subscription and URL (a failure is retried later). */
  #handshake(sub: WebhookSubscriptionRow): Promise<void> {
    const key = `${sub.id}\n${sub.url}`;
    let pending = this.#validated.get(key);
    if (!pending) {
      pending = this.#request(sub.url, {
        method: 'OPTIONS',
        headers: { 'webhook-request-origin': this.#d.options.origin, 'webhook-request-rate': '120' },
      }).then((res) => {
        const allowed = res.headers.get('webhook-allowed-origin')?.trim();
        if (!res.ok || (allowed !== '*' && allowed !== this.#d.options.origin))
          throw new DeliveryError(
            `The receiver refused the abuse-protection handshake (HTTP ${res.status}).`,
            'rejected_handshake',
          );
      });
      this.#validated.set(key, pending);
      pending.catch(() => this.#validated.delete(key));
    }
    return pending;
  }

  async #post(sub: WebhookSubscriptionRow, row: OutboxRow): Promise<void> {
    const event = JSON.parse(row.body) as { type?: string; source?: string };
    const res = await this.#request(sub.url, {
      method: 'POST',
      body: row.body,
      headers: {
        'content-type': CLOUDEVENTS_CONTENT_TYPE,
        [SIGNATURE_HEADER]: signWebhookBody(sub.secret, row.body),
        'webhook-request-origin': this.#d.options.origin,
        'ce-specversion': '1.0',
        'ce-id': row.eventId,
        ...(event.type ? { 'ce-type': event.type } : {}),
        ...(event.source ? { 'ce-source': event.source } : {}),
      },
    });
    if (res.ok) return;
    // 410 Gone: the receiver says it will never take these (Event Grid drops them too).
    throw new DeliveryError(`HTTP ${res.status}`, 'failed', res.status === 410);
  }

  async #request(url: string, init: RequestInit): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(url, { ...init, signal: this.#signal(), redirect: 'manual' });
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'TimeoutError')
        throw new DeliveryError(`No answer within ${this.#d.options.timeoutMs} ms.`, 'timeout');
      throw new DeliveryError(describe(error), 'failed');
    }
    // Drain the body so the connection can be reused.
    await res.arrayBuffer().catch(() => undefined);
    return res;
  }
}

const describe = (error: unknown): string => {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const base = error instanceof Error ? error.message : String(error);
  return cause?.code ? `${base} (${cause.code})` : base;
};
