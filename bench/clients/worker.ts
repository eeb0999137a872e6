/**
 * A client process: holds many bench connections of one server kind and answers the
 * orchestrator's commands (open, begin, send, tally, presence, close). Latency is taken here, at
 * frame arrival, against the send time stamped in the message.
 */
import { opsMap, readResult, timeOrderedId, userDocName } from '@parley/model';
import { type Histogram, record } from '../lib/histogram.ts';
import { type Found, markedContent, nowMs } from '../lib/message.ts';
import { serveRpc } from '../lib/rpc.ts';
import type { BenchConn, ServerKind } from './conn.ts';
import { connect } from './connect.ts';
import { ParleyConn } from './parleyConn.ts';
import { type ReadResult, readThread } from './reader.ts';

interface Tally {
  tag: string;
  delivered: number;
  hist: Histogram;
  seen: Map<string, Set<string>>;
}

const conns: BenchConn[] = [];
const saved = new Map<string, Record<string, Uint8Array>>();
let tally: Tally = { tag: '\u0000', delivered: 0, hist: {}, seen: new Map() };

const onMarkers = (member: string, found: Found[]): void => {
  const at = nowMs();
  const t = tally;
  let seen = t.seen.get(member);
  for (const f of found) {
    if (!f.id.startsWith(t.tag)) continue;
    if (f.id.split('_')[1] === member) continue;
    if (!seen) t.seen.set(member, (seen = new Set()));
    if (seen.has(f.id)) continue;
    seen.add(f.id);
    t.delivered++;
    record(t.hist, at - f.sentAt);
  }
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

serveRpc({
  /** Opens one connection per member (at most 50 connecting at once). */
  open: async (a: {
    kind: ServerKind;
    url: string;
    threadId: string;
    members: string[];
    sender: boolean;
  }) => {
    const queue = [...a.members];
    const worker = async () => {
      for (let m = queue.shift(); m !== undefined; m = queue.shift()) {
        const member = m;
        conns.push(
          await connect(a.kind, {
            url: a.url,
            threadId: a.threadId,
            member,
            mode: 'scan',
            sender: a.sender,
            onMarkers: (found) => onMarkers(member, found),
          }),
        );
      }
    };
    await Promise.all(Array.from({ length: 50 }, worker));
    return conns.length;
  },
  /** Starts counting messages whose id starts with `tag`. */
  begin: (a: { tag: string }) => {
    tally = { tag: a.tag, delivered: 0, hist: {}, seen: new Map() };
  },
  tally: () => ({ delivered: tally.delivered, hist: tally.hist }),
  /** Sends at `rate` messages/s in total, round-robin over this process's connections. */
  send: async (a: { tag: string; rate: number; durationMs: number }) => {
    const start = performance.now();
    let sent = 0;
    while (true) {
      const elapsed = performance.now() - start;
      if (elapsed >= a.durationMs) break;
      const due = Math.floor((a.rate * elapsed) / 1000) - sent;
      for (let i = 0; i < due; i++) {
        const c = conns[sent % conns.length]!;
        // Time-ordered like the SDK's ids (timeOrderedId); tag and sender first, for the receivers.
        const id = `${a.tag}_${c.member}_${timeOrderedId()}`;
        c.sendMessage(id, markedContent(id, nowMs()));
        sent++;
      }
      await sleep(1);
    }
    return { sent, ms: performance.now() - start };
  },
  /** W6: each connection sends typing every `typingMs` and a receipt every `receiptMs` (staggered). */
  presence: async (a: { durationMs: number; typingMs: number; receiptMs: number; messageId: string }) => {
    const timers: NodeJS.Timeout[] = [];
    conns.forEach((c, i) => {
      const offset = (i * a.typingMs) / conns.length;
      timers.push(
        setTimeout(() => {
          c.sendTyping();
          timers.push(setInterval(() => c.sendTyping(), a.typingMs));
        }, offset),
      );
      timers.push(
        setTimeout(
          () => {
            c.sendReceipt(a.messageId);
            timers.push(setInterval(() => c.sendReceipt(a.messageId), a.receiptMs));
          },
          offset + a.receiptMs / 2,
        ),
      );
    });
    await sleep(a.durationMs);
    for (const t of timers) clearInterval(t);
  },
  /** W3/W4: one reader; `keep` stores its docs under that key for a later `read` with `from`. */
  read: async (a: Parameters<typeof readThread>[0] & { keep?: string; from?: string }) => {
    const r: ReadResult = await readThread({ ...a, ...(a.from ? { state: saved.get(a.from) } : {}) });
    if (a.keep) saved.set(a.keep, r.state);
    return { ...r, state: undefined };
  },
  /** Parley senders: how their intents ended (accepted / rejected by code / still without a result). */
  opResults: () => {
    const out: Record<string, number> = {};
    for (const c of conns) {
      if (!(c instanceof ParleyConn)) continue;
      const user = c.docs.get(userDocName(c.userId));
      if (!user) continue;
      for (const id of opsMap(user).keys()) {
        const r = readResult(user, id);
        const key = !r ? 'pending' : r.status === 'accepted' ? 'accepted' : `rejected ${r.code}`;
        out[key] = (out[key] ?? 0) + 1;
      }
    }
    return out;
  },
  connStats: () => conns.map((c) => ({ ...c.stats })),
  close: async () => {
    for (const c of conns) c.close();
    conns.length = 0;
    await sleep(100);
  },
});
