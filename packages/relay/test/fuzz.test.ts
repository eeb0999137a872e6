import {
  headDocName,
  newThreadId,
  type OpEnvelope,
  opsMap,
  randomId,
  readResult,
  userDocName,
  writeOp,
} from '@parley/model';
import { encodeControl, encodeFrame, errorCodes, httpStatusOf, MessageType } from '@parley/protocol';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeAwarenessUpdate } from '../src/awarenessCodec.ts';
import { startTestRelay, type TestRelay } from './harness.ts';
import { syncPayload, WireClient } from './wireClient.ts';

/**
 * Fuzzing every input the relay takes from the network: frames, Yjs updates into a `user:` doc,
 * op payloads (through user docs and HTTP) and awareness. After each batch a healthy session must
 * still be served, no internal error may have been raised, and RSS must stay bounded.
 * Reproduce a failure with PARLEY_FUZZ_SEED=<seed>; run longer with PARLEY_FUZZ_RUNS=<n>.
 */
const SEED = Number(process.env.PARLEY_FUZZ_SEED ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env.PARLEY_FUZZ_RUNS ?? 150);
const RSS_BUDGET = 300 * 1024 * 1024;
const AUTH_TIMEOUT_MS = 1500;
console.log(`fuzz seed ${SEED} (rerun with PARLEY_FUZZ_SEED=${SEED}), ${RUNS} runs per batch`);

let relay: TestRelay;
let alice: WireClient;
let threadId = '';
const internal: unknown[] = [];
let rssBefore = 0;
let batch = 0;
const sample = <T>(arb: fc.Arbitrary<T>, runs = RUNS): T[] =>
  fc.sample(arb, { numRuns: runs, seed: SEED + ++batch });

beforeAll(async () => {
  relay = await startTestRelay({
    onInternalError: (e) => internal.push(e),
    sessionLimits: { authTimeoutMs: AUTH_TIMEOUT_MS },
  });
  alice = await connect('alice');
  threadId = newThreadId();
  const created = await alice.op({
    type: 'createThread',
    threadId,
    topic: 'fuzz',
    participants: [{ id: 'fuzz' }, { id: 'bob' }],
  });
  expect(created.status).toBe('accepted');
  rssBefore = process.memoryUsage().rss;
});

afterAll(async () => {
  alice?.close();
  await relay?.stop();
});

const connect = (userId: string) => WireClient.asUser(relay, userId);

/** The relay is alive, serves other sessions, raised no internal error and kept memory bounded. */
const assertHealthy = async (what: string) => {
  const context = `${what}, seed ${SEED}`;
  const res = await fetch(`${relay.url}/healthz`);
  expect(res.status, context).toBe(200);
  const sent = await alice.op({
    type: 'sendMessage',
    threadId,
    messageId: randomId(),
    content: `still here after ${what}`,
    messageType: 'text',
  });
  expect(sent.status, context).toBe('accepted');
  expect(internal.map(String), context).toEqual([]);
  expect(process.memoryUsage().rss - rssBefore, `${context}: RSS growth`).toBeLessThan(RSS_BUDGET);
};

/** Sends frames on a fuzzing session, reconnecting when the relay closes it, then round-trips a ping. */
const blast = async (userId: string, frames: Uint8Array[], setup?: (c: WireClient) => Promise<void>) => {
  let c: WireClient | undefined;
  let closes = 0;
  for (const f of frames) {
    if (!c || c.closeCode !== undefined) {
      if (c) closes++;
      c = await connect(userId);
      await setup?.(c);
    }
    c.sendRaw(f);
  }
  if (c && c.closeCode === undefined) {
    const pongs = () => c!.frames.filter((f) => f.type === MessageType.Pong).length;
    const before = pongs();
    c.sendFrame({ docName: '', type: MessageType.Ping, payload: new Uint8Array(0) });
    await c.until(() => pongs() > before || c!.closeCode !== undefined, 20_000);
    c.close();
  }
  return { closes, errors: c?.errors ?? [] };
};

/** Byte-level mutations of a valid input: flips, truncation, insertion, duplication, varint bombs. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 8 }) }),
  fc.record({ kind: fc.constant('bomb' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

const mutate = (input: Uint8Array, ms: readonly Mutation[]): Uint8Array => {
  let b = Array.from(input);
  for (const m of ms) {
    const at = b.length === 0 ? 0 : (m.kind === 'duplicate' ? 0 : m.at) % (b.length + 1);
    if (m.kind === 'flip' && at < b.length) b[at] = m.value;
    else if (m.kind === 'truncate') b = b.slice(0, at);
    else if (m.kind === 'insert') b.splice(at, 0, ...m.bytes);
    // A maximal 5-byte varint: a count or length of ~2^35 where a small number stood.
    else if (m.kind === 'bomb') b.splice(at, 0, 0xff, 0xff, 0xff, 0xff, 0x7f);
    else if (m.kind === 'duplicate') b = b.concat(b);
  }
  return Uint8Array.from(b);
};
const mutated = (valid: readonly Uint8Array[]) =>
  fc
    .tuple(fc.constantFrom(...valid), fc.array(mutation, { minLength: 1, maxLength: 4 }))
    .map(([v, ms]) => mutate(v, ms));

/** Strings that break naive code: lone surrogates, ZWJ emoji, RTL, NUL, huge, control characters. */
const nastyString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    '\uD800',
    'a\uDFFFb',
    '👨‍👩‍👧‍👦',
    '🏳️‍🌈🇺🇦',
    'שלום עולם',
    '\u0000\u0001\u001f',
    '\u202e\u2066',
    '__proto__',
    'constructor',
    '',
    ' '.repeat(300),
    'x'.repeat(30 * 1024),
    '😀'.repeat(8000),
  ),
);
const deep = (depth: number): unknown => {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { v };
  return v;
};
const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  nastyString,
  fc.anything({ maxDepth: 3, maxKeys: 5 }),
  fc.constantFrom(null, undefined, 0, -1, 2 ** 53, Number.NaN, true, [], {}, deep(50), deep(400)),
);

const opTypes = [
  'createThread',
  'updateThread',
  'deleteThread',
  'addParticipants',
  'removeParticipant',
  'sendMessage',
  'editMessage',
  'deleteMessage',
  'sendReadReceipt',
  'react',
  'nonsense',
];
/** An op payload whose fields are each valid, wrong-typed or hostile. */
const hostileOp = fc.record(
  {
    type: fc.oneof(fc.constantFrom(...opTypes), nastyValue),
    threadId: fc.oneof(fc.constant('THREAD'), nastyValue),
    messageId: fc.oneof(fc.constant('MSGID'), nastyValue),
    topic: nastyValue,
    content: nastyValue,
    messageType: fc.oneof(fc.constantFrom('text', 'html'), nastyValue),
    participants: fc.oneof(
      fc.array(fc.record({ id: nastyValue, displayName: nastyValue, shareHistoryTime: nastyValue }), {
        maxLength: 3,
      }),
      nastyValue,
    ),
    userId: nastyValue,
    metadata: nastyValue,
    emoji: nastyValue,
    on: nastyValue,
    priority: nastyValue,
    replyTo: nastyValue,
  },
  { requiredKeys: ['type'] },
);

describe('fuzzing the relay', () => {
  it('random and mutated frames, before and after authentication, get an error code or are ignored', async () => {
    const token = await relay.token('fuzz');
    const valid = [
      encodeFrame({ docName: '', type: MessageType.Auth, payload: encodeControl({ token }) }),
      encodeFrame({ docName: userDocName('fuzz'), type: MessageType.Subscribe, payload: encodeControl({}) }),
      encodeFrame({
        docName: headDocName(threadId),
        type: MessageType.Subscribe,
        payload: encodeControl({}),
      }),
      encodeFrame({
        docName: headDocName(threadId),
        type: MessageType.Sync,
        payload: syncPayload(0, new Uint8Array([0])),
      }),
      encodeFrame({
        docName: userDocName('fuzz'),
        type: MessageType.Sync,
        payload: syncPayload(2, new Uint8Array([0, 0])),
      }),
      encodeFrame({
        docName: headDocName(threadId),
        type: MessageType.Awareness,
        payload: encodeAwarenessUpdate([{ clientId: 7, clock: 1, state: { typing: { at: 1 } } }]),
      }),
      encodeFrame({ docName: '', type: MessageType.Ping, payload: new Uint8Array(0) }),
    ];
    const frames = sample(fc.oneof(fc.uint8Array({ maxLength: 2048 }), mutated(valid)));
    // After authentication: every frame lands on a live session.
    const after = await blast('fuzz', frames);
    for (const e of after.errors) expect(Object.hasOwn(errorCodes, e.code), `seed ${SEED}`).toBe(true);
    // Before authentication: the first frame is hostile; the relay answers or closes, never hangs.
    const { default: WebSocket } = await import('ws');
    const outcomes = await Promise.all(
      frames.slice(0, 30).map(async (first) => {
        const ws = new WebSocket(`${relay.url.replace('http', 'ws')}/v1/sync`);
        await new Promise((resolve, reject) => {
          ws.once('open', resolve);
          ws.once('error', reject);
        });
        const outcome = new Promise<string>((resolve) => {
          ws.once('close', (code) => resolve(`closed ${code}`));
          ws.once('message', () => resolve('answered'));
          setTimeout(() => resolve('hung'), 3 * AUTH_TIMEOUT_MS);
        });
        ws.send(first);
        const o = await outcome;
        ws.terminate();
        return o;
      }),
    );
    expect(
      outcomes.filter((o) => o === 'hung'),
      `seed ${SEED}`,
    ).toEqual([]);
    await assertHealthy('frames');
  });

  it('random, mutated and hostile Yjs updates to a user doc are refused or contained', async () => {
    // Valid updates that write intents, as seeds for mutation.
    const valid: Uint8Array[] = [];
    for (let i = 0; i < 5; i++) {
      const d = new Y.Doc();
      writeOp(d, {
        id: randomId(),
        device: 'dev',
        n: i + 1,
        createdOn: new Date().toISOString(),
        op: { type: 'sendMessage', threadId, messageId: randomId(), content: `m${i}`, messageType: 'text' },
      });
      valid.push(Y.encodeStateAsUpdate(d));
    }
    // Hand-made bombs: huge struct counts, lengths and clocks in a few bytes.
    const bombs = [
      Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x07]),
      Uint8Array.from([1, 0xff, 0xff, 0xff, 0xff, 0x07, 1, 0]),
      Uint8Array.from([1, 1, 5, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x07, 0]), // GC struct of length ~2^31
      Uint8Array.from([1, 1, 5, 0, 10, 0xff, 0xff, 0xff, 0xff, 0x07, 0]), // Skip struct of length ~2^31
      Uint8Array.from([1, 1, 5, 0xff, 0xff, 0xff, 0xff, 0x07, 0]), // clock ~2^31
      Uint8Array.from([0, 1, 5, 1, 0, 0xff, 0xff, 0xff, 0xff, 0x07]), // delete set: a range of ~2^31
    ];
    const updates = sample(
      fc.oneof(fc.uint8Array({ maxLength: 1024 }), mutated(valid), fc.constantFrom(...bombs)),
    );
    const frames = updates.map((u) =>
      encodeFrame({ docName: userDocName('fuzz'), type: MessageType.Sync, payload: syncPayload(2, u) }),
    );
    const { errors } = await blast('fuzz', frames);
    for (const e of errors)
      expect(['INVALID_UPDATE', 'MALFORMED_FRAME', 'RATE_LIMITED', 'NOT_SUBSCRIBED']).toContain(e.code);
    // The fuzzed user's own doc still works: a fresh device's intent gets its result.
    const fuzz = await connect('fuzz');
    const r = await fuzz.op({
      type: 'sendMessage',
      threadId,
      messageId: randomId(),
      content: 'after',
      messageType: 'text',
    });
    expect(r.status, `seed ${SEED}`).toBe('accepted');
    fuzz.close();
    // Whatever the relay committed of it still loads: a restart must not find a poisoned log.
    const { snapshot, updates: stored } = relay.store.docs.load(userDocName('fuzz'));
    const reloaded = new Y.Doc();
    expect(() => {
      if (snapshot) Y.applyUpdate(reloaded, snapshot);
      for (const u of stored) Y.applyUpdate(reloaded, u.update);
    }, `seed ${SEED}: stored user doc does not load`).not.toThrow();
    await assertHealthy('Yjs updates');
  });

  it('an update naming a client id beyond 2^53 is refused, and the user doc keeps syncing', async () => {
    // Found by this suite: Yjs applies it without complaint, then the doc cannot be encoded again.
    const poison = new Uint8Array(
      readFileSync(new URL('./fixtures/unsafe-client-id.update', import.meta.url)),
    );
    const probe = new Y.Doc();
    Y.applyUpdate(probe, poison);
    expect(() => Y.encodeStateAsUpdate(probe)).toThrow(/Integer out of Range/);
    const user = 'poison-target'; // a fresh user doc: the forged struct would stay pending in it
    const frame = encodeFrame({
      docName: userDocName(user),
      type: MessageType.Sync,
      payload: syncPayload(2, poison),
    });
    const first = await connect(user);
    first.sendRaw(frame);
    await first.until(() => first.errors.length > 0);
    expect(first.errors.map((e) => e.code)).toEqual(['INVALID_UPDATE']);
    first.close();
    // A fresh sync of the same user doc still answers (subscribe waits for the relay's step 2).
    const again = await connect(user);
    again.close();
    await assertHealthy('an unsafe client id');
  });

  it('a known client advanced past 2^53 is refused and rolled back: the relay keeps its state', async () => {
    const user = 'clock-target';
    const first = await connect(user);
    const sent = await first.op({
      type: 'sendMessage',
      threadId: newThreadId(), // not a member: refused, but the intent and its result are in the doc
      messageId: randomId(),
      content: 'x',
      messageType: 'text',
    });
    expect(sent.status).toBe('rejected');
    const doc = first.doc(userDocName(user));
    const before = Y.encodeStateVector(doc);
    // A GC struct of this device's client at its next clock, 2^60 long: Yjs would integrate it.
    const e = encoding.createEncoder();
    for (const n of [1, 1, doc.clientID, Y.getState(doc.store, doc.clientID)]) encoding.writeVarUint(e, n);
    encoding.writeUint8(e, 0);
    encoding.writeVarUint(e, 2 ** 60);
    encoding.writeVarUint(e, 0);
    first.sendRaw(
      encodeFrame({
        docName: userDocName(user),
        type: MessageType.Sync,
        payload: syncPayload(2, encoding.toUint8Array(e)),
      }),
    );
    await first.until(() => first.errors.length > 0);
    expect(first.errors.map((x) => x.code)).toEqual(['INVALID_UPDATE']);
    first.close();
    // A fresh session syncs the relay's copy: the same state as before, and it still takes intents.
    const again = await connect(user);
    await again.subscribe(userDocName(user));
    expect(Y.encodeStateVector(again.doc(userDocName(user)))).toEqual(before);
    const after = await again.op({
      type: 'sendMessage',
      threadId,
      messageId: randomId(),
      content: 'after',
      messageType: 'text',
    });
    expect(after.status).toBe('rejected'); // not a member of the suite's thread either
    again.close();
    const { snapshot, updates } = relay.store.docs.load(userDocName(user));
    const stored = new Y.Doc();
    if (snapshot) Y.applyUpdate(stored, snapshot);
    for (const u of updates) Y.applyUpdate(stored, u.update);
    expect(Y.getState(stored.store, doc.clientID)).toBeLessThan(2 ** 53);
    await assertHealthy('a clock past 2^53');
  });

  it('hostile op payloads written into a user doc each end with a result, none stuck', async () => {
    const fuzz = await connect('fuzz');
    const user = fuzz.doc(userDocName('fuzz'));
    const ids: string[] = [];
    const payloads = sample(hostileOp, Math.min(RUNS, 120));
    for (const raw of payloads) {
      const op = { ...raw } as Record<string, unknown>;
      if (op.threadId === 'THREAD') op.threadId = threadId;
      if (op.messageId === 'MSGID') op.messageId = randomId();
      const id = randomId();
      ids.push(id);
      // One fresh device per intent, so that no valid intent waits for a missing predecessor.
      const env = { id, device: randomId(10), n: 1, createdOn: new Date().toISOString(), op };
      try {
        opsMap(user).set(id, env as unknown as OpEnvelope);
      } catch {
        ids.pop(); // Yjs itself refuses some values (undefined inside arrays, functions)
      }
    }
    // Malformed envelopes too: not objects, wrong ids, missing op.
    for (const env of [null, 42, 'x', [], { id: 'short' }, { id: randomId(), device: '', n: 0 }]) {
      const id = randomId();
      ids.push(id);
      opsMap(user).set(id, env as unknown as OpEnvelope);
    }
    await fuzz
      .until(() => ids.every((id) => readResult(user, id) !== undefined), 30_000)
      .catch(() => undefined);
    const stuck = ids.filter((id) => readResult(user, id) === undefined);
    expect(stuck, `seed ${SEED}: intents without a result`).toEqual([]);
    for (const id of ids) {
      const r = readResult(user, id)!;
      if (r.status === 'rejected') expect(Object.hasOwn(errorCodes, r.code)).toBe(true);
    }
    fuzz.close();
    await assertHealthy('op payloads via user doc');
  });

  it('hostile HTTP bodies and paths on every route answer 2xx or a stable 4xx code, never 500', async () => {
    const token = await relay.token('fuzz');
    const t = `/chat/threads/${threadId}`;
    const routes: [string, string][] = [
      ['POST', '/chat/threads'],
      ['PATCH', t],
      ['POST', `${t}/messages`],
      ['PATCH', `${t}/messages/xxxxxxxxxx`],
      ['POST', `${t}/participants/:add`],
      ['POST', `${t}/participants/:remove`],
      ['POST', `${t}/readReceipts`],
      ['POST', `${t}/typing`],
      ['GET', `${t}/messages?maxPageSize=-5&startTime=yesterday&syncState=%%%`],
    ];
    const bodies = sample(
      fc.oneof(
        hostileOp.map((o) =>
          JSON.stringify({ ...o, participants: o.participants, chatMessageId: o.messageId }),
        ),
        fc.jsonValue().map((v) => JSON.stringify(v)),
        fc.string({ maxLength: 200 }),
        fc.constantFrom(
          '{',
          '[]',
          'null',
          '"\\ud800"',
          `${'{"a":['.repeat(50_000)}1${']}'.repeat(50_000)}`,
          '{"content":"' + 'y'.repeat(300_000) + '"}',
        ),
      ),
      Math.min(RUNS, 100),
    );
    const paths = sample(fc.string({ minLength: 1, maxLength: 30 }), 20).map(
      (s) => `/chat/threads/${encodeURIComponent(s)}/messages`,
    );
    const failures: string[] = [];
    const check = async (method: string, path: string, body?: string | Uint8Array) => {
      const res = await fetch(`${relay.url}${path}${path.includes('?') ? '&' : '?'}api-version=2025-03-15`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body === undefined || method === 'GET' ? {} : { body: body as BodyInit }),
      });
      const text = await res.text();
      if (res.status < 300) return;
      let code = '';
      try {
        code = (JSON.parse(text) as { error: { code: string } }).error.code;
      } catch {
        // not JSON
      }
      const known = Object.hasOwn(errorCodes, code);
      if (res.status >= 500 || !known || httpStatusOf(code as keyof typeof errorCodes) !== res.status)
        failures.push(`${method} ${path.slice(0, 60)} → ${res.status} ${text.slice(0, 120)}`);
    };
    for (const [i, body] of bodies.entries()) {
      const [method, path] = routes[i % routes.length]!;
      await check(method, path, body);
    }
    for (const p of paths) await check('GET', p);
    await check('POST', `${t}/messages`, Uint8Array.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d])); // invalid UTF-8
    expect(failures, `seed ${SEED}`).toEqual([]);
    await assertHealthy('HTTP');
  });

  it('hostile upgrade paths and y-websocket messages get an HTTP error or a refusal, never a crash', async () => {
    const { default: WebSocket } = await import('ws');
    const token = await relay.token('fuzz');
    const ws = relay.url.replace('http', 'ws');
    // Paths a client controls on the upgrade: malformed percent-encoding, odd names, no token.
    const paths = [
      '/v1/yjs/%E0%A4%A',
      '/v1/yjs/%',
      '/v1/yjs/user%3Afuzz%ZZ',
      `/v1/yjs/${encodeURIComponent('thread:../../etc')}`,
      '/v1/yjs/',
      '/v1/nothing',
      ...sample(fc.string({ maxLength: 40 }), 20).map((s) => `/v1/yjs/${encodeURIComponent(s)}`),
    ];
    const outcomes: string[] = [];
    for (const p of paths) {
      outcomes.push(
        await new Promise<string>((resolve) => {
          const c = new WebSocket(`${ws}${p}${p.includes('?') ? '&' : '?'}token=${token}`);
          c.once('open', () => {
            c.terminate();
            resolve('open');
          });
          c.once('unexpected-response', (_req, res) => {
            resolve(`http ${res.statusCode}`);
            c.terminate();
          });
          c.once('error', () => resolve('error'));
          setTimeout(() => resolve('hung'), 5000);
        }),
      );
      expect((await fetch(`${relay.url}/healthz`)).status, `after upgrade ${p}`).toBe(200);
    }
    expect(outcomes.filter((o) => o === 'hung' || o === 'error')).toEqual([]);

    // Raw request targets no WebSocket client would send (`//[`, `@`, `%`, brackets), on a raw socket.
    const { connect: rawConnect } = await import('node:net');
    const port = Number(new URL(relay.url).port);
    const targets = sample(
      fc
        .array(fc.constantFrom(...'/[]%@:?#.~abcXYZ019-_'.split('')), { minLength: 1, maxLength: 24 })
        .map((cs) => `/${cs.join('')}`),
      40,
    );
    for (const target of ['//[', '/v1/yjs//[', ...targets]) {
      const first = await new Promise<string>((resolve) => {
        const sock = rawConnect(port, '127.0.0.1', () =>
          sock.write(
            `GET ${target} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
              'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
          ),
        );
        let got = '';
        sock.on('data', (d: Buffer) => {
          got += d.toString('latin1');
          sock.destroy();
        });
        sock.on('close', () => resolve(got.split('\r\n')[0] ?? ''));
        sock.on('error', () => resolve(got));
        setTimeout(() => {
          sock.destroy();
          resolve('hung');
        }, 5000);
      });
      expect(first, `seed ${SEED}: upgrade to ${target}`).toMatch(/^HTTP\/1\.1 [1-5]\d\d /);
    }
    expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);

    // Random and mutated y-websocket messages on the user's own doc and on a read-only thread doc.
    const valid = [
      Uint8Array.from([0, 0, 1, 0]),
      Uint8Array.from([0, 2, 2, 0, 0]),
      Uint8Array.from([1, ...encodeAwarenessUpdate([{ clientId: 9, clock: 1, state: {} }])]),
      Uint8Array.from([3]),
    ];
    const messages = sample(fc.oneof(fc.uint8Array({ maxLength: 512 }), mutated(valid)));
    for (const doc of [userDocName('fuzz'), headDocName(threadId)]) {
      const c = new WebSocket(`${ws}/v1/yjs/${encodeURIComponent(doc)}?token=${token}`);
      await new Promise((resolve, reject) => {
        c.once('open', resolve);
        c.once('error', reject);
      });
      for (const m of messages) if (c.readyState === c.OPEN) c.send(m);
      await new Promise((r) => setTimeout(r, 300));
      c.terminate();
    }
    await assertHealthy('upgrade paths and y-websocket messages');
  });

  it('hostile awareness frames are dropped or rewritten, and never carry another identity', async () => {
    const bob = await connect('bob');
    await bob.subscribe(headDocName(threadId));
    const seen: unknown[] = [];
    bob.onFrame = (f) => {
      if (f.type === MessageType.Awareness) seen.push(f.payload);
    };
    const valid = [
      encodeAwarenessUpdate([
        { clientId: 42, clock: 1, state: { user: { id: 'alice' }, typing: { at: 1 } } },
      ]),
      encodeAwarenessUpdate([{ clientId: 43, clock: 2, state: { read: { messageId: 'nope' } } }]),
      encodeAwarenessUpdate([{ clientId: 44, clock: 3, state: null }]),
    ];
    const payloads = sample(
      fc.oneof(
        fc.uint8Array({ maxLength: 512 }),
        mutated(valid),
        fc
          .record({
            clientId: fc.nat(),
            clock: fc.nat(),
            state: fc.dictionary(fc.string({ maxLength: 8 }), nastyValue, { maxKeys: 4 }),
          })
          .map((e) => {
            try {
              return encodeAwarenessUpdate([
                { ...e, state: { ...e.state, user: { id: 'alice', displayName: 'Alice' } } },
              ]);
            } catch {
              return new Uint8Array([0]);
            }
          }),
      ),
    );
    const frames = payloads.map((p) =>
      encodeFrame({ docName: headDocName(threadId), type: MessageType.Awareness, payload: p }),
    );
    await blast('fuzz', frames, async (c) => {
      await c.subscribe(headDocName(threadId));
    });
    await new Promise((r) => setTimeout(r, 600)); // one fan-out window
    expect(seen.length, "bob received the fuzzer's valid awareness states").toBeGreaterThan(0);
    const { decodeAwarenessUpdate } = await import('../src/awarenessCodec.ts');
    for (const p of seen) {
      for (const e of decodeAwarenessUpdate(p as Uint8Array) ?? []) {
        const user = (e.state as { user?: { id?: string } } | null)?.user;
        if (user) expect(user.id, `seed ${SEED}: fuzz spoofed an identity`).not.toBe('alice');
      }
    }
    bob.close();
    await assertHealthy('awareness');
  });
});
