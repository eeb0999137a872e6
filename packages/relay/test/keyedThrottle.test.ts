import { describe, expect, it } from 'vitest';
import { KeyedThrottle } from '../src/rateLimit.ts';

describe('KeyedThrottle', () => {
  it('lets a key pass once per interval, each key on its own', () => {
    const t = new KeyedThrottle(1000);
    expect(t.pass('a', 0)).toBe(true);
    expect(t.pass('a', 999)).toBe(false);
    expect(t.pass('b', 999)).toBe(true);
    expect(t.pass('a', 1000)).toBe(true);
  });

  it('holds only the keys that passed within the last interval once swept', () => {
    const t = new KeyedThrottle(1000);
    // A relay sees receipts from many (thread, member) pairs over its life.
    for (let i = 0; i < 10_000; i++) t.pass(`thread-${i % 500}\nuser-${i}`, i);
    t.sweep(10_000);
    // Passed at 9,000..9,999: due after 10,000, still held; every earlier one is gone.
    expect(t.size).toBe(999);
    t.sweep(11_000);
    expect(t.size).toBe(0);
    // A swept key passes again; an unswept one is still throttled.
    t.pass('x', 20_000);
    t.sweep(20_500);
    expect(t.pass('x', 20_600)).toBe(false);
    expect(t.pass('x', 21_000)).toBe(true);
  });
});
