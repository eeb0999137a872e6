import { checkInvariants } from './invariants.ts';
import { SimModel } from './model.ts';
import { createRng, type Rng } from './prng.ts';
import type { SimClient, SimOptions, SimReport } from './types.ts';

interface Device {
  readonly userId: string;
  readonly index: number;
  client: SimClient;
  online: boolean;
  /** Step at which an offline device comes back. */
  backAt: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const user = (id: string) => ({ communicationUserId: id });

/** Runs `work` but gives up waiting after `ms` (reads on a device that is offline may wait for sync). */
const bounded = async (work: Promise<unknown>, ms: number): Promise<void> => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    work.catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
};

const drain = async (it: AsyncIterable<unknown>, max = 500): Promise<void> => {
  let n = 0;
  for await (const _ of it) if (++n >= max) break;
};

const weights = {
  send: 34,
  edit: 8,
  delete: 5,
  create: 5,
  topic: 4,
  add: 6,
  remove: 4,
  receipt: 6,
  typing: 2,
  read: 6,
  deleteThread: 1,
  offline: 6,
  restart: 3,
} as const;
type Kind = keyof typeof weights;

/**
 * The seeded chaos simulation (DESIGN.md "Tests"): several users on several devices, each with its own
 * local store, run random chat operations (FEATURES.md C1–C15) against a real relay, through random
 * offline periods, client restarts on their stores and relay SIGKILLs. At the end every device must
 * converge to the relay's view of each thread as its user may see it, every intent must have ended
 * sent or failed, every accepted message must be present once, and no restricted member's store may
 * hold history it was not shared. Throws with the seed and the trace's tail on the first violation.
 *
 * @example
 * const report = await runChatSimulation({ seed: 123, users: ['ann', 'ben', 'cat'], devicesPerUser: 2,
 *   ops: 150, relayKills: 1, world });
 */
export const runChatSimulation = async (options: SimOptions): Promise<SimReport> => {
  const trace: string[] = [];
  const log = (line: string) => {
    trace.push(line);
    if (trace.length > 400) trace.shift();
    options.log?.(line);
  };
  const rng = createRng(options.seed);
  const model = new SimModel(options.seed);
  const { world } = options;
  const devices: Device[] = [];
  for (const u of options.users)
    for (let i = 0; i < options.devicesPerUser; i++)
      devices.push({
        userId: u,
        index: i,
        client: world.openDevice(u, i, { online: true }),
        online: true,
        backAt: 0,
      });
  const killAt = new Set(
    Array.from({ length: options.relayKills }, (_, k) =>
      Math.floor(((k + 0.3 + rng.next() * 0.5) * options.ops) / (options.relayKills + 0.5)),
    ),
  );
  let relayUpAt = -1; // step at which a killed relay restarts; -1 while it runs
  const counts = { relayKills: 0, clientRestarts: 0, offlinePeriods: 0 };
  const byKind: Record<string, number> = {};

  try {
    // Every user starts in one thread with everyone, so that the first operations have somewhere to go.
    const first = devices[0]!;
    await create(first, options.users, model, log, 'general');

    for (let step = 0; step < options.ops; step++) {
      if (killAt.has(step) && relayUpAt < 0) {
        log(`#${step} relay SIGKILL`);
        await world.killRelay();
        counts.relayKills++;
        relayUpAt = step + rng.int(3, 15);
      }
      if (relayUpAt === step) {
        log(`#${step} relay restart`);
        await world.startRelay();
        relayUpAt = -1;
      }
      // Offline devices come back in their own (random) order.
      for (const d of devices) {
        if (!d.online && d.backAt <= step) {
          log(`#${step} ${d.userId}/${d.index} reconnects`);
          d.client.connect();
          d.online = true;
        }
      }
      const d = rng.pick(devices);
      const kind = rng.weighted(weights);
      // Counted when it did something (a send with no thread to send to is a no-op).
      if (await act(step, kind, d, rng, model, devices, log, counts, world))
        byKind[kind] = (byKind[kind] ?? 0) + 1;
      await sleep(rng.int(0, 12));
    }
    if (relayUpAt >= 0) {
      log('relay restart (end)');
      await world.startRelay();
    }
    // Delayed and reordered reconnects of everything still offline.
    for (const d of rng.shuffle(devices)) {
      if (d.online) continue;
      await sleep(rng.int(0, 150));
      log(`${d.userId}/${d.index} reconnects (end)`);
      d.client.connect();
      d.online = true;
    }
    const results = await checkInvariants({
      devices: devices.map((d) => ({ userId: d.userId, index: d.index, client: d.client })),
      model,
      world,
      users: options.users,
      timeoutMs: options.settleTimeoutMs ?? 60_000,
      log,
      ...(options.tolerateOwnSendsBeforeFromSeq ? { tolerateOwnSendsBeforeFromSeq: true } : {}),
    });
    return {
      seed: options.seed,
      ops: options.ops,
      devices: devices.length,
      ...counts,
      ...results,
      threads: model.threads.size,
      byKind,
    };
  } catch (error) {
    const tail = trace.slice(-60).join('\n');
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(
      `chat simulation failed with seed ${options.seed} (rerun with PARLEY_SIM_SEED=${options.seed}):\n${message}\n--- last trace lines ---\n${tail}`,
      { cause: error },
    );
  } finally {
    await Promise.all(devices.map((d) => d.client.close().catch(() => undefined)));
  }
};

async function create(
  d: Device,
  members: readonly string[],
  model: SimModel,
  log: (l: string) => void,
  topic: string,
) {
  const participants = members.filter((m) => m !== d.userId).map((m) => ({ id: user(m), displayName: m }));
  const { chatThread } = await d.client.createChatThread({ topic }, { participants });
  if (!chatThread) return;
  model.created(chatThread.id, d.userId, members);
  log(`${d.userId}/${d.index} createThread ${chatThread.id.slice(0, 6)} with ${members.join(',')}`);
}

async function act(
  step: number,
  chosen: Kind,
  d: Device,
  rng: Rng,
  model: SimModel,
  devices: readonly Device[],
  log: (l: string) => void,
  counts: { clientRestarts: number; offlinePeriods: number },
  world: SimOptions['world'],
): Promise<boolean> {
  let kind = chosen;
  const who = `#${step} ${d.userId}/${d.index}`;
  const threads = model.threadsOf(d.userId);
  // A user left with no thread starts one (membership decays through removals over a long run).
  if (threads.length === 0 && kind !== 'offline' && kind !== 'restart') kind = 'create';
  const threadId = threads.length > 0 ? rng.pick(threads) : undefined;
  const tc = threadId ? d.client.getChatThreadClient(threadId) : undefined;
  const short = threadId?.slice(0, 6);
  switch (kind) {
    case 'send': {
      if (!tc || !threadId) return false;
      const content = model.newContent(rng);
      const { id } = await tc.sendMessage({ content }, rng.chance(0.2) ? { priority: 'high' } : {});
      model.sent(id, threadId, d.userId, d.index, content);
      log(`${who} send ${id.slice(0, 6)} → ${short}`);
      return true;
    }
    case 'edit': {
      const m = model.ownMessage(rng, d.userId);
      if (!m) return false;
      const content = model.newContent(rng);
      await d.client.getChatThreadClient(m.threadId).updateMessage(m.id, { content });
      model.edited(m.id, content);
      log(`${who} edit ${m.id.slice(0, 6)}`);
      return true;
    }
    case 'delete': {
      const m = model.ownMessage(rng, d.userId);
      if (!m) return false;
      await d.client.getChatThreadClient(m.threadId).deleteMessage(m.id);
      log(`${who} delete ${m.id.slice(0, 6)}`);
      return true;
    }
    case 'create': {
      if (model.threads.size >= 40 || (model.liveThreads() >= 8 && threads.length > 0)) return false;
      // Mostly small threads, so that others can join later (with or without history).
      const size = rng.chance(0.6) ? 1 : rng.int(1, model.users.length - 1);
      const others = rng.shuffle(model.users.filter((u) => u !== d.userId)).slice(0, size);
      await create(d, [d.userId, ...others.filter((u) => u !== d.userId)], model, log, `t${step}`);
      return true;
    }
    case 'topic': {
      if (!tc) return false;
      await tc.updateTopic(`topic ${step} ✨`);
      log(`${who} topic ${short}`);
      return true;
    }
    case 'add': {
      if (!tc || !threadId) return false;
      const outside = model.users.filter((u) => !model.membersOf(threadId).includes(u));
      const target = outside.length > 0 && rng.chance(0.8) ? rng.pick(outside) : rng.pick(model.users);
      // History: all, none (a time after now), or since a recent moment.
      const share = rng.weighted({ all: 2, none: 2, since: 1 });
      const shareHistoryTime =
        share === 'none'
          ? new Date(Date.now() + 60_000)
          : share === 'since'
            ? new Date(Date.now() - rng.int(0, 2000))
            : undefined;
      await tc.addParticipants({
        participants: [
          { id: user(target), displayName: target, ...(shareHistoryTime ? { shareHistoryTime } : {}) },
        ],
      });
      model.added(threadId, target, share === 'none');
      log(`${who} add ${target} (${share}) → ${short}`);
      return true;
    }
    case 'remove': {
      if (!tc || !threadId) return false;
      const target = rng.pick(model.membersOf(threadId));
      await tc.removeParticipant(user(target));
      model.removed(threadId, target);
      log(`${who} remove ${target} from ${short}`);
      return true;
    }
    case 'receipt': {
      const m = threadId ? model.anyMessageIn(rng, threadId) : undefined;
      if (!tc || !m) return false;
      await tc.sendReadReceipt({ chatMessageId: m });
      log(`${who} receipt ${m.slice(0, 6)}`);
      return true;
    }
    case 'typing': {
      if (!tc) return false;
      void tc.sendTypingNotification().catch(() => undefined);
      return true;
    }
    case 'read': {
      if (!tc) {
        await bounded(drain(d.client.listChatThreads()), 1000);
        return true;
      }
      const which = rng.int(0, 3);
      if (which === 0) await bounded(drain(tc.listMessages({ maxPageSize: 20 })), 1500);
      else if (which === 1) await bounded(drain(tc.listParticipants()), 1000);
      else if (which === 2) await bounded(tc.getProperties(), 1000);
      else await bounded(drain(d.client.listChatThreads()), 1000);
      return true;
    }
    case 'deleteThread': {
      if (!threadId || model.ownerOf(threadId) !== d.userId || rng.chance(0.5)) return false;
      await d.client.deleteChatThread(threadId);
      model.deleted(threadId);
      log(`${who} deleteThread ${short}`);
      return true;
    }
    case 'offline': {
      if (!d.online) return false;
      d.client.disconnect();
      d.online = false;
      d.backAt = step + rng.int(2, 25);
      counts.offlinePeriods++;
      log(`${who} offline until #${d.backAt}`);
      return true;
    }
    case 'restart': {
      // A client process restart: close the client (flushing its store), open a new one on the same file.
      await d.client.close();
      const online = d.online && rng.chance(0.8);
      d.client = world.openDevice(d.userId, d.index, { online });
      if (!online && d.online) {
        d.online = false;
        d.backAt = step + rng.int(1, 10);
      }
      counts.clientRestarts++;
      log(`${who} restart (${online ? 'online' : 'offline'})`);
      return true;
    }
  }
  void devices;
  return false;
}
