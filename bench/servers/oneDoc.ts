/** How the one-doc alternatives hold a thread: `messages` Y.Map, message id → plain object. */
import type * as Y from 'yjs';
import { type PlainMessage, seededContent } from '../lib/message.ts';

export const ONE_DOC_MESSAGES = 'messages';

/** Appends `count` messages in transactions of 1,000 (as a busy thread would have written them). */
export const seedOneDoc = (
  doc: Y.Doc,
  a: { readonly sender: string; readonly count: number; readonly prefix?: string },
): void => {
  const map = doc.getMap<PlainMessage>(ONE_DOC_MESSAGES);
  const base = map.size;
  for (let i = 0; i < a.count; i += 1000) {
    doc.transact(() => {
      for (let j = i; j < Math.min(a.count, i + 1000); j++) {
        const seq = base + j + 1;
        const id = `seed_${a.prefix ?? 's'}_${j}`;
        map.set(id, {
          id,
          seq,
          sender: a.sender,
          content: seededContent(seq),
          createdOn: new Date(Date.UTC(2026, 0, 1) + seq * 1000).toISOString(),
        });
      }
    });
  }
};
