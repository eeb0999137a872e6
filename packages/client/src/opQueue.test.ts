import { opsMap, writeOp } from '@parley/model';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createOpWriter } from './opQueue.ts';

const send = (content: string) => ({
  type: 'sendMessage' as const,
  threadId: 'thread-aaaaaaaa',
  messageId: `msg-${content.padEnd(8, 'x')}`,
  content,
  messageType: 'text' as const,
});

describe('op writer', () => {
  it('numbers a device’s ops 1, 2, 3 and continues after a restart from what the doc holds', () => {
    const doc = new Y.Doc();
    const a = createOpWriter({ deviceId: 'dev1', userDoc: () => doc });
    expect([a.write(send('a')).n, a.write(send('b')).n]).toEqual([1, 2]);
    // Another device's ops do not move this device's counter.
    writeOp(doc, {
      id: 'other-op-0001',
      device: 'dev2',
      n: 7,
      createdOn: '2026-01-01T00:00:00Z',
      op: send('c'),
    });
    const restarted = createOpWriter({ deviceId: 'dev1', userDoc: () => doc });
    expect(restarted.write(send('d')).n).toBe(3);
    expect(opsMap(doc).size).toBe(4);
  });

  it('refuses bad input with a stable code and writes nothing', () => {
    const doc = new Y.Doc();
    const w = createOpWriter({ deviceId: 'dev1', userDoc: () => doc });
    expect(() => w.write({ ...send('a'), content: 'x'.repeat(30_000) })).toThrow(
      expect.objectContaining({ code: 'CONTENT_TOO_LARGE' }),
    );
    expect(() => w.write({ ...send('a'), threadId: 'no' })).toThrow(
      expect.objectContaining({ code: 'INVALID_REQUEST' }),
    );
    expect(opsMap(doc).size).toBe(0);
    expect(w.write(send('ok')).n).toBe(1);
  });
});
