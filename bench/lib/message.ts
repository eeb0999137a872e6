/**
 * What every server kind carries per chat message, and the marker receivers look for. Content
 * holds `<<m:<id>@<send time ms>>>`: receivers find it in the raw frame bytes (Buffer.indexOf),
 * so a receiver costs the same against every server and never decodes Yjs (the server is measured,
 * not the clients).
 */
export const MARK = Buffer.from('<<m:');
const END = '>>'.charCodeAt(0);

/** Wall-clock ms with sub-ms precision, comparable across processes on one machine. */
export const nowMs = (): number => performance.timeOrigin + performance.now();

/** A chat-sized text (~90 bytes) with the marker inside. */
export const markedContent = (id: string, sentAt: number): string =>
  `<<m:${id}@${sentAt.toFixed(3)}>> the quick brown fox jumps over the lazy dog 🦊 again`;

/** Plain content for seeded history. */
export const seededContent = (seq: number): string =>
  `Message ${seq}: the quick brown fox jumps over the lazy dog, then reads the notes 🦊.`;

export interface Found {
  readonly id: string;
  readonly sentAt: number;
}

/** Every marker in `bytes` (a message may appear twice in one frame; callers dedupe by id). */
export const scanMarkers = (bytes: Buffer, out: Found[]): void => {
  let i = bytes.indexOf(MARK);
  while (i >= 0) {
    const start = i + MARK.length;
    let at = -1;
    let end = start;
    while (end < bytes.length && bytes[end] !== END) {
      if (bytes[end] === 64 /* @ */) at = end;
      end++;
    }
    if (at > 0 && end < bytes.length) {
      out.push({
        id: bytes.toString('latin1', start, at),
        sentAt: Number(bytes.toString('latin1', at + 1, end)),
      });
    }
    i = bytes.indexOf(MARK, end);
  }
};

/** The message as the one-doc alternatives store it: `messages` Y.Map, id → plain object. */
export interface PlainMessage {
  readonly id: string;
  readonly seq: number;
  readonly sender: string;
  readonly content: string;
  readonly createdOn: string;
}
