import * as Y from 'yjs';
import type { OpEnvelope, OpResult } from './ops.ts';
import type {
  MemberRecord,
  MessageRecord,
  PageRecord,
  ReceiptRecord,
  ThreadMeta,
  UserThreadRecord,
} from './records.ts';

/**
 * Typed access to Parley's docs. Readers are for everyone; the `write*` functions are used only by
 * the relay (clients never write thread docs, DESIGN.md §1). Root type names live here once.
 */
export const ROOT = {
  meta: 'meta',
  members: 'members',
  pages: 'pages',
  receipts: 'receipts',
  messages: 'messages',
  ops: 'ops',
  results: 'results',
  threads: 'threads',
} as const;

// ---- head doc ---------------------------------------------------------------------------------

export const metaMap = (doc: Y.Doc): Y.Map<unknown> => doc.getMap(ROOT.meta);
export const membersMap = (doc: Y.Doc): Y.Map<MemberRecord> => doc.getMap(ROOT.members);
export const pagesMap = (doc: Y.Doc): Y.Map<PageRecord> => doc.getMap(ROOT.pages);
export const receiptsMap = (doc: Y.Doc): Y.Map<ReceiptRecord> => doc.getMap(ROOT.receipts);

/** Thread properties, or undefined when the head doc is empty (not synced, or purged). */
export const readMeta = (doc: Y.Doc): ThreadMeta | undefined => {
  const m = metaMap(doc);
  const id = m.get('id');
  if (typeof id !== 'string') return undefined;
  return {
    id,
    topic: (m.get('topic') as string | undefined) ?? '',
    createdBy: (m.get('createdBy') as string | undefined) ?? '',
    ...optional('createdByDisplayName', m.get('createdByDisplayName')),
    createdOn: (m.get('createdOn') as string | undefined) ?? '',
    ...optional('metadata', m.get('metadata')),
    ...optional('deletedOn', m.get('deletedOn')),
    lastSeq: (m.get('lastSeq') as number | undefined) ?? 0,
    ...optional('lastMessageOn', m.get('lastMessageOn')),
    currentPage: (m.get('currentPage') as number | undefined) ?? 0,
  } as ThreadMeta;
};

const optional = <K extends string>(key: K, value: unknown): { [P in K]?: unknown } =>
  value === undefined || value === null ? {} : ({ [key]: value } as { [P in K]: unknown });

/** Members in the order they were added (then by id). */
export const readMembers = (doc: Y.Doc): MemberRecord[] =>
  [...membersMap(doc).values()].sort(
    (a, b) => a.addedOn.localeCompare(b.addedOn) || a.id.localeCompare(b.id),
  );

export const readMember = (doc: Y.Doc, userId: string): MemberRecord | undefined =>
  membersMap(doc).get(userId);

/** Pages in order. */
export const readPages = (doc: Y.Doc): PageRecord[] =>
  [...pagesMap(doc).values()].sort((a, b) => a.page - b.page);

/**
 * The thread's current page as it is now: its first seq from the head's record (written when the
 * page opened) and its end from the thread's `lastSeq` (a page holds consecutive seqs). The head's
 * own count for the current page trails: the relay publishes it at most once per activity window.
 */
export const currentPageOf = (doc: Y.Doc, currentPage: number, lastSeq: number): PageRecord => {
  const firstSeq = pagesMap(doc).get(String(currentPage))?.firstSeq ?? lastSeq + 1;
  const count = Math.max(0, lastSeq - firstSeq + 1);
  return { page: currentPage, firstSeq, lastSeq: firstSeq + count - 1, count };
};

export const readReceipts = (doc: Y.Doc): ReceiptRecord[] =>
  [...receiptsMap(doc).values()].sort((a, b) => b.seq - a.seq || a.userId.localeCompare(b.userId));

/** Relay only: sets meta fields (undefined deletes a field). */
export const writeMeta = (doc: Y.Doc, fields: Partial<ThreadMeta>): void => {
  const m = metaMap(doc);
  doc.transact(() => {
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) m.delete(k);
      else if (m.get(k) !== v) m.set(k, v);
    }
  });
};

export const writeMember = (doc: Y.Doc, member: MemberRecord): void => {
  membersMap(doc).set(member.id, stripUndefined(member));
};
export const deleteMember = (doc: Y.Doc, userId: string): void => {
  membersMap(doc).delete(userId);
};
export const writePage = (doc: Y.Doc, page: PageRecord): void => {
  pagesMap(doc).set(String(page.page), { ...page });
};
export const writeReceipt = (doc: Y.Doc, receipt: ReceiptRecord): void => {
  receiptsMap(doc).set(receipt.userId, { ...receipt });
};

// ---- page doc ---------------------------------------------------------------------------------

/**
 * message id → the message as one plain object (one Yjs Item per message version: the relay is
 * the only writer, so field-level merging buys nothing and a nested map cost ~10 Items, 1.8× the
 * bytes and most of the write and encode time). Docs written before hold a Y.Map per message;
 * readers accept both and an edit of such a message rewrites it as an object.
 */
export const messagesMap = (doc: Y.Doc): Y.Map<unknown> => doc.getMap(ROOT.messages);

const MESSAGE_FIELDS = [
  'id',
  'seq',
  'type',
  'sender',
  'senderDisplayName',
  'content',
  'system',
  'priority',
  'metadata',
  'replyTo',
  'reactions',
  'createdOn',
  'editedOn',
  'deletedOn',
  'version',
] as const satisfies readonly (keyof MessageRecord)[];

/** A map value stored as a plain object (a message), not a nested Yjs type or an array. */
export const isPlainEntry = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Y.AbstractType);

/** Reads one message's fields; undefined if the entry is missing or not a message. */
export const readMessageMap = (entry: unknown): MessageRecord | undefined => {
  let get: (field: string) => unknown;
  if (entry instanceof Y.Map) get = (f) => entry.get(f);
  else if (isPlainEntry(entry)) get = (f) => (Object.hasOwn(entry, f) ? entry[f] : undefined);
  else return undefined;
  const id = get('id');
  const seq = get('seq');
  if (typeof id !== 'string' || typeof seq !== 'number') return undefined;
  const out: Record<string, unknown> = {};
  for (const f of MESSAGE_FIELDS) {
    const v = get(f);
    if (v !== undefined && v !== null) out[f] = v;
  }
  out.content ??= '';
  out.priority ??= 'normal';
  out.version ??= 1;
  return out as unknown as MessageRecord;
};

export const readMessage = (doc: Y.Doc, messageId: string): MessageRecord | undefined =>
  readMessageMap(messagesMap(doc).get(messageId));

/** All messages of a page in seq order (ascending). */
export const readMessages = (doc: Y.Doc): MessageRecord[] => {
  const out: MessageRecord[] = [];
  for (const entry of messagesMap(doc).values()) {
    const m = readMessageMap(entry);
    if (m) out.push(m);
  }
  return out.sort((a, b) => a.seq - b.seq);
};

/** The stored form of a message: its defined fields only (Yjs cannot store undefined). */
const messageObject = (fields: Partial<MessageRecord>): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) out[k] = v;
  return out;
};

/** Relay only: inserts a new message. */
export const writeNewMessage = (doc: Y.Doc, message: MessageRecord): void => {
  messagesMap(doc).set(message.id, messageObject(message));
};

/** Relay only: changes fields of an existing message (undefined deletes a field). */
export const writeMessageFields = (
  doc: Y.Doc,
  messageId: string,
  fields: Partial<MessageRecord>,
): boolean => {
  const current = readMessageMap(messagesMap(doc).get(messageId));
  if (!current) return false;
  // The new version replaces the old Item; Yjs GC drops the old one's content.
  messagesMap(doc).set(messageId, messageObject({ ...current, ...fields }));
  return true;
};

// ---- user doc ---------------------------------------------------------------------------------

export const opsMap = (doc: Y.Doc): Y.Map<OpEnvelope> => doc.getMap(ROOT.ops);
export const resultsMap = (doc: Y.Doc): Y.Map<OpResult> => doc.getMap(ROOT.results);
export const threadsMap = (doc: Y.Doc): Y.Map<UserThreadRecord> => doc.getMap(ROOT.threads);

export const readOps = (doc: Y.Doc): OpEnvelope[] =>
  [...opsMap(doc).values()].sort((a, b) => a.device.localeCompare(b.device) || a.n - b.n);
export const readResult = (doc: Y.Doc, opId: string): OpResult | undefined => resultsMap(doc).get(opId);
export const readUserThreads = (doc: Y.Doc): UserThreadRecord[] => [...threadsMap(doc).values()];

/** Device only: records an intent. */
export const writeOp = (doc: Y.Doc, op: OpEnvelope): void => {
  opsMap(doc).set(op.id, stripUndefined(op));
};
/** Relay only. */
export const writeResult = (doc: Y.Doc, opId: string, result: OpResult): void => {
  resultsMap(doc).set(opId, stripUndefined(result));
};
/** Relay only. */
export const writeUserThread = (doc: Y.Doc, record: UserThreadRecord): void => {
  threadsMap(doc).set(record.id, stripUndefined(record));
};

/** Yjs stores `undefined` badly in plain objects; drop those keys (deeply for plain objects). */
export const stripUndefined = <T>(value: T): T => {
  if (Array.isArray(value)) return value.map(stripUndefined) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = stripUndefined(v);
    return out as T;
  }
  return value;
};
