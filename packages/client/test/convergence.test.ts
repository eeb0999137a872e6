import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ChatClient, type ChatMessage, createMemoryStorage } from '../src/index.ts';
import { collect, type RelayHarness, startRelay, until } from './relayHarness.ts';

let h: RelayHarness;
const clients: ChatClient[] = [];
beforeAll(async () => {
  h = await startRelay();
});
afterAll(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
  await h?.close();
});

/** mulberry32: a small seeded PRNG so that a failing run can be replayed with PARLEY_SEED. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const snapshot = (list: ChatMessage[]) =>
  list
    .filter((m) => m.type === 'text')
    .map((m) => `${m.sequenceId}|${m.id}|${m.deletedOn ? '<deleted>' : m.content?.message}`);

it('three clients with random offline periods, sends, edits and deletes converge', async () => {
  const seed = Number(process.env.PARLEY_SEED ?? Date.now() % 100_000);
  console.log(`convergence seed ${seed} (replay with PARLEY_SEED=${seed})`);
  const rand = prng(seed);
  const users = ['u1', 'u2', 'u3'];
  const cs = users.map((u) => h.client(u, createMemoryStorage()));
  clients.push(...cs);
  const { chatThread } = await cs[0]!.createChatThread(
    { topic: 'sim' },
    { participants: users.slice(1).map((u) => ({ id: { communicationUserId: u } })) },
  );
  const threadId = chatThread!.id;
  await cs[0]!.whenSettled();
  for (const c of cs)
    await until(async () => (await collect(c.listChatThreads())).length === 1, 10_000, 'listed');

  const own = new Map<number, string[]>(cs.map((_, i) => [i, []]));
  for (let step = 0; step < 60; step++) {
    const i = Math.floor(rand() * cs.length);
    const c = cs[i]!;
    const t = c.getChatThreadClient(threadId);
    const r = rand();
    if (r < 0.15) {
      if (c.isConnected) c.disconnect();
      else c.connect();
    } else if (r < 0.75 || own.get(i)!.length === 0) {
      own.get(i)!.push((await t.sendMessage({ content: `s${step} from ${users[i]}` })).id);
    } else if (r < 0.9) {
      const ids = own.get(i)!;
      await t.updateMessage(ids[Math.floor(rand() * ids.length)]!, { content: `edited at ${step}` });
    } else {
      const ids = own.get(i)!;
      await t.deleteMessage(ids[Math.floor(rand() * ids.length)]!);
    }
    if (rand() < 0.2) await new Promise((r) => setTimeout(r, 5));
  }
  for (const c of cs) c.connect();
  for (const c of cs) await c.whenSettled(30_000);
  const sent = [...own.values()].flat();
  const views = async () =>
    Promise.all(cs.map(async (c) => snapshot(await collect(c.getChatThreadClient(threadId).listMessages()))));
  await until(
    async () => {
      const v = await views();
      return v.every((x) => x.length === sent.length && JSON.stringify(x) === JSON.stringify(v[0]));
    },
    20_000,
    `convergence (seed ${seed})`,
  );
  const [first] = await views();
  // Nothing acknowledged is lost: every message a client sent is there, numbered, once.
  const ids = first!.map((line) => line.split('|')[1]);
  expect([...ids].sort()).toEqual([...sent].sort());
  expect(first!.every((line) => /^\d+\|/.test(line))).toBe(true);
});
