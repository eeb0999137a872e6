/**
 * W3/W4 client side: connect with real Y.Docs, and time how long until the newest messages are
 * readable (and, for pages, until everything is), counting the bytes received.
 */
import { headDocName, messagesMap, pageDocName, readMeta, readPages } from '@parley/model';
import * as Y from 'yjs';
import { nowMs } from '../lib/message.ts';
import { ONE_DOC_MESSAGES } from '../servers/oneDoc.ts';
import type { ServerKind } from './conn.ts';
import { connect } from './connect.ts';
import { ParleyConn } from './parleyConn.ts';

export interface ReadResult {
  /** ms from opening the socket until the newest message is readable. */
  readonly newestMs: number;
  readonly newestBytes: number;
  /** ms until every message is held (one-doc kinds: the same as newest). */
  readonly allMs: number;
  readonly allBytes: number;
  /** Messages readable in the end. */
  readonly messages: number;
  /** The newest message's seq (a check). */
  readonly newestSeq: number;
  /** Yjs protocol floor: Σ encodeStateAsUpdate(doc, state vector before) over the docs synced. */
  readonly floorBytes: number;
  /** The docs at the end, encoded (for the next round of W4). */
  readonly state: Record<string, Uint8Array>;
}

/** How many of the newest messages must be readable (a screenful). */
export const NEWEST = 50;

/** The largest seq in a messages map (a reader must find the newest before showing it). */
const newestSeqOf = (map: Y.Map<unknown>): number => {
  let max = 0;
  for (const v of map.values()) {
    const seq = v instanceof Y.Map ? v.get('seq') : (v as { seq?: unknown }).seq;
    if (typeof seq === 'number' && seq > max) max = seq;
  }
  return max;
};

const docsFrom = (state: Record<string, Uint8Array> | undefined): Map<string, Y.Doc> => {
  const m = new Map<string, Y.Doc>();
  for (const [name, update] of Object.entries(state ?? {})) {
    const d = new Y.Doc();
    Y.applyUpdate(d, update);
    m.set(name, d);
  }
  return m;
};

export const readThread = async (a: {
  kind: ServerKind;
  url: string;
  threadId: string;
  member: string;
  /** Docs held from an earlier session (W4). */
  state?: Record<string, Uint8Array>;
  /** Parley: also sync every older page (W4 "everything"). */
  all?: boolean;
}): Promise<ReadResult> => {
  const initial = docsFrom(a.state);
  const svBefore = new Map([...initial].map(([n, d]) => [n, Y.encodeStateVector(d)]));
  // The token is signed before the clock starts: an app holds it before it connects. (A full GC
  // here, to collect the held docs' decoding garbage outside the read, made the reads slower: the
  // reader's minimum went from 9–19 to 17–41 ms, so there is none.)
  if (a.kind === 'parley') await ParleyConn.token(a.member);
  const t0 = nowMs();
  const conn = await connect(a.kind, {
    url: a.url,
    threadId: a.threadId,
    member: a.member,
    mode: 'doc',
    initial,
    // The head goes right behind the Auth frame, as the SDK sends its known docs on reconnect.
    early: [headDocName(a.threadId)],
  });
  let newestMs: number;
  let newestBytes: number;
  let newestSeq: number;
  let messages = 0;
  if (conn instanceof ParleyConn) {
    const head = headDocName(a.threadId);
    await conn.subscribe(head);
    const current = readMeta(conn.doc(head))?.currentPage ?? 0;
    const newest = pageDocName(a.threadId, current);
    // A screenful, as the SDK asks for it: the current page and, from the head's page records,
    // as many older pages as the newest NEWEST messages span, subscribed at once.
    const wanted = [current];
    let held = 0;
    for (const p of readPages(conn.doc(head)).sort((x, y) => y.page - x.page)) {
      if (held >= NEWEST) break;
      if (p.page > current) continue;
      held += p.count;
      if (p.page !== current) wanted.push(p.page);
    }
    await Promise.all(wanted.map((p) => conn.subscribe(pageDocName(a.threadId, p))));
    newestSeq = newestSeqOf(messagesMap(conn.doc(newest)) as Y.Map<unknown>);
    newestMs = nowMs() - t0;
    newestBytes = conn.stats.bytes;
    if (a.all) {
      const pages = readPages(conn.doc(head)).filter((p) => !conn.docs.has(pageDocName(a.threadId, p.page)));
      await Promise.all(pages.map((p) => conn.subscribe(pageDocName(a.threadId, p.page))));
    }
    for (const [name, d] of conn.docs) {
      if (name.startsWith('thread:') && name !== head) messages += messagesMap(d).size;
    }
  } else {
    const doc = conn.docs.get(a.threadId)!;
    const map = doc.getMap(ONE_DOC_MESSAGES);
    newestSeq = newestSeqOf(map);
    newestMs = nowMs() - t0;
    newestBytes = conn.stats.bytes;
    messages = map.size;
  }
  const allMs = nowMs() - t0;
  const allBytes = conn.stats.bytes;
  let floorBytes = 0;
  const state: Record<string, Uint8Array> = {};
  for (const [name, d] of conn.docs) {
    if (name.startsWith('user:')) continue;
    floorBytes += Y.encodeStateAsUpdate(d, svBefore.get(name) ?? new Uint8Array([0])).length;
    state[name] = Y.encodeStateAsUpdate(d);
  }
  conn.close();
  return { newestMs, newestBytes, allMs, allBytes, messages, newestSeq, floorBytes, state };
};
