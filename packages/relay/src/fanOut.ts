/**
 * How often (ms) a batch may go to `subscribers` sockets so that it costs at most
 * `writesPerSecond` socket writes a second, and never more often than every `minMs`. The awareness
 * window and receipt pacing both use it with the same budget, so a head's receipts and its
 * thread's presence keep one cadence.
 */
export const fanOutIntervalMs = (
  minMs: number,
  subscribers: number,
  writesPerSecond = Number.POSITIVE_INFINITY,
): number => Math.max(minMs, (1000 * subscribers) / writesPerSecond);
