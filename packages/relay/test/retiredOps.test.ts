import { newThreadId, opsMap, resultsMap, userDocName, writeResult } from '@parley/model';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import { startTestRelay, type TestRelay } from './harness.ts';
import { WireClient } from './wireClient.ts';

let relay: TestRelay;
beforeAll(async () => {
  relay = await startTestRelay();
});
afterAll(async () => {
  await relay?.stop();
});

it('a result goes when its device deletes the settled op, so the user doc stays small', async () => {
  const alice = await WireClient.asUser(relay, 'alice');
  const user = userDocName('alice');
  const doc = alice.doc(user);
  const threadId = newThreadId();
  expect(await alice.op({ type: 'createThread', threadId, topic: 'retire', participants: [] })).toMatchObject(
    {
      status: 'accepted',
    },
  );
  const content = 'a message long enough that keeping every copy of it would show. '.repeat(4);
  for (let i = 0; i < 20; i++)
    expect(
      await alice.op({
        type: 'sendMessage',
        threadId,
        messageId: `retire-${i}`,
        content,
        messageType: 'text',
      }),
    ).toMatchObject({ status: 'accepted' });
  const ids = [...opsMap(doc).keys()];
  expect(ids).toHaveLength(21);
  expect([...resultsMap(doc).keys()].sort()).toEqual([...ids].sort());
  const grown = Y.encodeStateAsUpdate(doc).length;

  // The device deletes every settled op but its newest (as the SDK does), in one update.
  const newest = ids.reduce((a, b) => (opsMap(doc).get(a)!.n > opsMap(doc).get(b)!.n ? a : b));
  doc.transact(() => {
    for (const id of ids) if (id !== newest) opsMap(doc).delete(id);
  });
  await alice.until(() => resultsMap(doc).size === 1);
  expect([...resultsMap(doc).keys()]).toEqual([newest]);

  // Another device of Alice's syncs the pruned doc: no intent content, a fraction of the size.
  const phone = await WireClient.asUser(relay, 'alice');
  await phone.subscribe(user);
  const synced = phone.doc(user);
  expect([...opsMap(synced).keys()]).toEqual([newest]);
  expect([...resultsMap(synced).keys()]).toEqual([newest]);
  const pruned = Y.encodeStateAsUpdate(synced).length;
  expect(pruned).toBeLessThan(grown / 5);

  // Deleted op ids stay applied: the same id written again is not applied a second time.
  const [again] = ids.filter((id) => id !== newest);
  expect(relay.store.ops.get('alice', again!)?.result.status).toBe('accepted');
  alice.close();
  phone.close();
});

it('an op deleted before the relay saw a result is never applied (a cancelled intent)', async () => {
  const alice = await WireClient.asUser(relay, 'alice');
  const user = userDocName('alice');
  const doc = alice.doc(user);
  const threadId = newThreadId();
  await alice.op({ type: 'createThread', threadId, topic: 'cancel', participants: [] });
  const before = resultsMap(doc).size;
  // Written and deleted in one update: the relay never sees the intent as pending.
  doc.transact(() => {
    opsMap(doc).set('cancelled-op', {
      id: 'cancelled-op',
      device: 'other-device',
      n: 1,
      createdOn: new Date().toISOString(),
      op: { type: 'sendMessage', threadId, messageId: 'cancelled', content: 'never', messageType: 'text' },
    });
    opsMap(doc).delete('cancelled-op');
  });
  // A later op of the same user shows the scan ran past it.
  await alice.op({ type: 'updateThread', threadId, topic: 'after' });
  expect(resultsMap(doc).size).toBe(before + 1);
  expect(resultsMap(doc).has('cancelled-op')).toBe(false);
  expect(relay.store.ops.get('alice', 'cancelled-op')).toBeUndefined();
  expect(relay.store.messages.get(threadId, 'cancelled')).toBeUndefined();
  alice.close();
});

it('a result whose op is already gone when the user doc loads is dropped by the next scan', async () => {
  // As left by a relay that stopped between a device's deletion and the scan (or an old file).
  const user = userDocName('zed');
  const orphan = new Y.Doc();
  writeResult(orphan, 'orphan-op-0001', { status: 'accepted', at: new Date().toISOString() });
  relay.store.transaction(() => relay.store.docs.append(user, Y.encodeStateAsUpdate(orphan)));
  const stored = () => {
    const d = new Y.Doc();
    const { snapshot, updates } = relay.store.docs.load(user);
    if (snapshot) Y.applyUpdate(d, snapshot);
    for (const u of updates) Y.applyUpdate(d, u.update);
    return resultsMap(d);
  };
  expect(stored().has('orphan-op-0001')).toBe(true);
  const zed = await WireClient.asUser(relay, 'zed');
  const threadId = newThreadId();
  expect(await zed.op({ type: 'createThread', threadId, topic: 'orphans', participants: [] })).toMatchObject({
    status: 'accepted',
  });
  expect(stored().has('orphan-op-0001')).toBe(false);
  expect(stored().size).toBe(1);
  zed.close();
});
