import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from './harness.ts';

let relay: TestRelay;
beforeAll(async () => {
  relay = await startTestRelay();
});
afterAll(async () => {
  await relay?.stop();
});

describe('unknown routes', () => {
  it('answer 404 with an ACS error body and a stable code', async () => {
    const token = await relay.token('alice');
    for (const path of [
      '/nope',
      '/chat/threads/abcdefgh12/participants/:frobnicate?api-version=2025-03-15',
    ]) {
      const res = await fetch(`${relay.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      expect(await res.json()).toMatchObject({ error: { code: 'ROUTE_NOT_FOUND' } });
    }
  });
});
