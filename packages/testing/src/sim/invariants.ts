import type { SimModel } from './model.ts';
import type { RelayMessage, SimClient, SimMessage, SimWorld } from './types.ts';

export interface InvariantInput {
  readonly devices: readonly {
    readonly userId: string;
    readonly index: number;
    readonly client: SimClient;
  }[];
  readonly model: SimModel;
  readonly world: SimWorld;
  readonly users: readonly string[];
  readonly timeoutMs: number;
  readonly log: (line: string) => void;
  /** See `SimOptions.tolerateOwnSendsBeforeFromSeq`. */
  readonly tolerateOwnSendsBeforeFromSeq?: boolean;
}

export interface InvariantResults {
  readonly sends: number;
  readonly sent: number;
  readonly failed: number;
  /** Failed sends by the relay's error code. */
  readonly failedBy: Readonly<Record<string, number>>;
  readonly convergedViews: number;
  readonly leakChecks: number;
  /** Visible tokens of restricted members, and how many the store scan found (it must not be blind). */
  readonly scanControls: { readonly checked: number; readonly found: number };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One line per message, the fields both sides must agree on. */
const lineOfRelay = (m: RelayMessage): string =>
  [
    m.sequenceId,
    m.id,
    m.type,
    m.type === 'text' || m.type === 'html' ? (m.content?.message ?? '') : '',
    m.deletedOn ? 'deleted' : '',
    m.editedOn ? `edited ${Date.parse(m.editedOn)}` : '',
  ].join(' | ');

const lineOfDevice = (m: SimMessage): string =>
  [
    m.sequenceId,
    m.id,
    m.type,
    m.type === 'text' || m.type === 'html' ? (m.content?.message ?? '') : '',
    m.deletedOn ? 'deleted' : '',
    m.editedOn ? `edited ${m.editedOn.getTime()}` : '',
  ].join(' | ');

const bySeq = (a: string, b: string) => Number(a.split(' | ')[0]) - Number(b.split(' | ')[0]);

const collect = async <T>(it: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};

const includesBytes = (haystack: Uint8Array, needle: Uint8Array): boolean =>
  Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).includes(Buffer.from(needle));

/**
 * The end-of-run checks of the chaos simulation. Throws an Error naming the first violation.
 * 1. every device settles: each intent of every user has the relay's result;
 * 2. every send ended `sent` or `failed` on its device; no message appears twice;
 * 3. every send whose result was accepted is present in the relay (unless its thread was deleted);
 * 4. every device's messages equal the relay's HTTP listMessages for its user, in every thread the user is in;
 * 5. no restricted member's store holds a token of a message before its share of history.
 */
export const checkInvariants = async (input: InvariantInput): Promise<InvariantResults> => {
  const { devices, model, world, log } = input;
  const deadline = Date.now() + input.timeoutMs;
  const left = () => Math.max(1000, deadline - Date.now());

  // 1. Settle.
  for (const d of devices) {
    try {
      await d.client.whenSettled(left());
    } catch (error) {
      throw new Error(
        `${d.userId}/${d.index}: intents still without a result after ${input.timeoutMs} ms (${String(error)})`,
      );
    }
  }
  log('all devices settled');

  // The relay's view of every thread, per user.
  const views = new Map<string, Map<string, RelayMessage[]>>(); // threadId → user → messages
  const gone = new Set<string>(); // deleted threads
  for (const threadId of model.threads.keys()) {
    const perUser = new Map<string, RelayMessage[]>();
    for (const u of input.users) {
      const r = await world.listMessages(u, threadId);
      if (r.status === 200) perUser.set(u, r.messages);
      else if (r.code === 'THREAD_DELETED') gone.add(threadId);
      else if (r.code !== 'NOT_A_MEMBER' && r.code !== 'THREAD_NOT_FOUND')
        throw new Error(`relay listMessages(${u}, ${threadId}) answered ${r.status} ${r.code}`);
    }
    views.set(threadId, perUser);
  }

  // 2. and 3. Every send ended; accepted ones are present, once.
  let sent = 0;
  let failed = 0;
  const failedBy: Record<string, number> = {};
  const contentOf = new Map<string, string>(); // message id → content, over every view
  for (const perUser of views.values())
    for (const list of perUser.values()) for (const m of list) contentOf.set(m.id, m.content?.message ?? '');
  const contentCount = new Map<string, number>();
  for (const c of contentOf.values()) if (c) contentCount.set(c, (contentCount.get(c) ?? 0) + 1);
  for (const m of model.messages.values()) {
    const device = devices.find((d) => d.userId === m.sender && d.index === m.device)!;
    const status = device.client.status(m.id);
    if (!status || (status.status !== 'sent' && status.status !== 'failed'))
      throw new Error(
        `send ${m.id} by ${m.sender}/${m.device} ended ${status?.status ?? 'unknown'}, not sent or failed`,
      );
    if (status.status === 'failed') {
      failed++;
      const code = status.error?.code ?? 'unknown';
      failedBy[code] = (failedBy[code] ?? 0) + 1;
      continue;
    }
    sent++;
    if (gone.has(m.threadId)) continue;
    const perUser = views.get(m.threadId)!;
    const everywhere = [...perUser.values()].flat();
    const found = everywhere.filter((x) => x.id === m.id);
    if (found.length === 0) {
      // Present unless no member can see that far back (all full-history members left).
      const oldestSeen = Math.min(...everywhere.map((x) => Number(x.sequenceId)));
      const local = (await collect(device.client.getChatThreadClient(m.threadId).listMessages())).find(
        (x) => x.id === m.id,
      );
      // The seq from the local copy, or from the relay's result when the copy is gone (the
      // sender left the thread since).
      const seq = Number(local?.sequenceId || status.sequenceId || Number.NaN);
      if (!(seq < oldestSeen))
        throw new Error(
          `accepted message ${m.id} (seq ${seq}) of thread ${m.threadId} is missing from the relay`,
        );
    }
  }
  for (const perUser of views.values()) {
    for (const [u, list] of perUser) {
      const ids = list.map((m) => m.id);
      if (new Set(ids).size !== ids.length) throw new Error(`${u} sees a message id twice`);
      const seqs = list.map((m) => m.sequenceId);
      if (new Set(seqs).size !== seqs.length) throw new Error(`${u} sees a sequenceId twice`);
    }
  }
  for (const [c, n] of contentCount)
    if (n > 1 && c.startsWith('m tk')) throw new Error(`content "${c}" was applied ${n} times`);
  log(`intents: ${sent} sent, ${failed} failed`);

  // 4. Convergence of every device with the relay, as its user may see each thread.
  let convergedViews = 0;
  for (const d of devices) {
    for (const [threadId, perUser] of views) {
      const relayView = perUser.get(d.userId);
      if (!relayView) continue;
      const want = relayView.map(lineOfRelay).sort(bySeq);
      let got: string[] = [];
      const tc = d.client.getChatThreadClient(threadId);
      for (;;) {
        const local = await collect(tc.listMessages({ maxPageSize: 200 }));
        const fromSeq = Math.min(...relayView.map((m) => Number(m.sequenceId)));
        got = local
          .filter((m) => m.sequenceId !== '')
          .filter(
            (m) =>
              !(
                input.tolerateOwnSendsBeforeFromSeq &&
                model.messages.get(m.id)?.sender === d.userId &&
                Number(m.sequenceId) < fromSeq
              ),
          )
          .map(lineOfDevice)
          .sort(bySeq);
        if (got.join('\n') === want.join('\n')) break;
        if (Date.now() > deadline) {
          const missing = want.filter((l) => !got.includes(l));
          const extra = got.filter((l) => !want.includes(l));
          throw new Error(
            `${d.userId}/${d.index} did not converge on thread ${threadId}:\n relay has, device lacks:\n  ${missing.join('\n  ')}\n device has, relay lacks:\n  ${extra.join('\n  ')}`,
          );
        }
        await sleep(100);
      }
      convergedViews++;
    }
  }
  log(`converged: ${convergedViews} views`);

  // 5. No hidden history in a restricted member's store.
  let leakChecks = 0;
  const scanControls = { checked: 0, found: 0 };
  for (const [threadId, perUser] of views) {
    for (const u of model.restrictedIn(threadId)) {
      const mine = perUser.get(u);
      if (!mine || mine.length === 0) continue;
      const fromSeq = Math.min(...mine.map((m) => Number(m.sequenceId)));
      if (fromSeq <= 1) continue; // full history after all (e.g. the restricted add failed, a later one did not)
      const hidden = [...model.messages.values()].filter((m) => {
        if (m.threadId !== threadId) return false;
        const seen = [...perUser.values()].flat().find((x) => x.id === m.id);
        return seen !== undefined && Number(seen.sequenceId) < fromSeq;
      });
      const tokens = hidden.flatMap((m) => m.contents.map((c) => c.split(' ')[1]!));
      // Positive control: the scan finds what the member may see (the stores are not opaque to it).
      const visible = mine
        .filter((m) => m.content?.message?.startsWith('m tk'))
        .map((m) => m.content!.message!.split(' ')[1]!);
      for (const d of devices.filter((x) => x.userId === u)) {
        const files = world.readDeviceStore(u, d.index);
        for (const t of tokens) {
          const needle = Buffer.from(t);
          if (files.some((f) => includesBytes(f, needle)))
            throw new Error(
              `history leak: ${u}/${d.index} (from seq ${fromSeq} in ${threadId}) stores hidden token ${t}`,
            );
        }
      }
      leakChecks++;
      const stores = devices.filter((x) => x.userId === u).flatMap((x) => world.readDeviceStore(u, x.index));
      for (const t of visible) {
        scanControls.checked++;
        if (stores.some((f) => includesBytes(f, Buffer.from(t)))) scanControls.found++;
      }
    }
  }
  log(
    `leak checks: ${leakChecks}; visible tokens found by the same scan: ${scanControls.found}/${scanControls.checked}`,
  );
  return { sends: model.messages.size, sent, failed, failedBy, convergedViews, leakChecks, scanControls };
};
