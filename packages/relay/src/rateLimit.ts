/** A token bucket: `capacity` tokens, refilled at `perSecond`. */
export class TokenBucket {
  #tokens: number;
  #last: number;
  readonly #capacity: number;
  readonly #perMs: number;
  readonly #now: () => number;

  constructor(capacity: number, perSecond: number, now: () => number = Date.now) {
    this.#capacity = capacity;
    this.#tokens = capacity;
    this.#perMs = perSecond / 1000;
    this.#now = now;
    this.#last = now();
  }

  /** Takes `cost` tokens if available. */
  take(cost = 1): boolean {
    const now = this.#now();
    this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#last) * this.#perMs);
    this.#last = now;
    if (this.#tokens < cost) return false;
    this.#tokens -= cost;
    return true;
  }
}

/**
 * At most one pass per key per `intervalMs`. Keys whose interval is over are dropped by `sweep`
 * (the relay calls it from its maintenance timer), so the map holds only the keys that passed
 * within the last interval, not every key ever seen.
 */
export class KeyedThrottle {
  readonly #due = new Map<string, number>();
  readonly #intervalMs: number;

  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  /** True (and the key waits `intervalMs` from `now`) unless the key passed less than that ago. */
  pass(key: string, now: number): boolean {
    if ((this.#due.get(key) ?? Number.NEGATIVE_INFINITY) > now) return false;
    this.#due.set(key, now + this.#intervalMs);
    return true;
  }

  /** Forgets the keys free to pass again at `now`. */
  sweep(now: number): void {
    for (const [key, due] of this.#due) if (due <= now) this.#due.delete(key);
  }

  /** Keys held (for tests and metrics). */
  get size(): number {
    return this.#due.size;
  }
}
