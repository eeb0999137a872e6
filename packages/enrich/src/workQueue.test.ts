import { describe, expect, it } from 'vitest';
import { createMemoryAnnotationStore } from './annotationStore.ts';
import type { Annotations } from './types.ts';
import { createWorkQueue } from './workQueue.ts';

describe('createWorkQueue', () => {
  it('runs jobs in order on a later macrotask, never inside push', async () => {
    const queue = createWorkQueue();
    const ran: number[] = [];
    for (let i = 0; i < 5; i++) queue.push(() => ran.push(i));
    expect(ran).toEqual([]);
    await Promise.resolve();
    expect(ran).toEqual([]);
    await queue.whenIdle();
    expect(ran).toEqual([0, 1, 2, 3, 4]);
  });

  it('yields to the event loop once a slice is used up', async () => {
    const queue = createWorkQueue({ sliceMs: 0 });
    const order: string[] = [];
    queue.push(() => order.push('job1'));
    queue.push(() => order.push('job2'));
    setImmediate(() => order.push('other event'));
    await queue.whenIdle();
    expect(order).toEqual(['job1', 'other event', 'job2']);
  });

  it('holds a slot per pending promise and survives throwing jobs', async () => {
    const queue = createWorkQueue({ concurrency: 1 });
    const release: Array<() => void> = [];
    let started = 0;
    queue.push(() => {
      throw new Error('ignored');
    });
    for (let i = 0; i < 3; i++) {
      queue.push(() => {
        started++;
        return new Promise<void>((resolve) => release.push(resolve));
      });
    }
    await new Promise((r) => setTimeout(r, 10));
    expect(started).toBe(1);
    release[0]?.();
    await new Promise((r) => setTimeout(r, 10));
    expect(started).toBe(2);
    release[1]?.();
    await new Promise((r) => setTimeout(r, 10));
    release[2]?.();
    await queue.whenIdle();
    expect(started).toBe(3);
  });
});

describe('createMemoryAnnotationStore', () => {
  const entry = (messageId: string): Annotations => ({
    messageId,
    threadId: 't',
    version: undefined,
    byEnricher: {},
    pending: [],
  });

  it('forgets the least recently written entry beyond maxEntries', () => {
    const store = createMemoryAnnotationStore({ maxEntries: 2 });
    store.set(entry('a'));
    store.set(entry('b'));
    store.set(entry('a'));
    store.set(entry('c'));
    expect(store.get('b')).toBeUndefined();
    expect(store.get('a')).toBeDefined();
    expect(store.size).toBe(2);
    store.delete('a');
    expect(store.get('a')).toBeUndefined();
  });
});
