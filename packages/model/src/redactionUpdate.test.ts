import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeRedactedState, hiddenBefore, redactUpdate } from './redaction.ts';
import { messagesMap } from './schema.ts';

const SECRET = 'SECRET-ȷ-😀';

/**
 * Writes a message as a nested map (the format before messages became plain objects, still read)
 * holding every kind of Yjs content, each carrying `secret`: redaction must hide all of it.
 */
const writeRichMessage = (doc: Y.Doc, id: string, seq: number, secret: string): void => {
  const entry = new Y.Map<unknown>();
  doc.transact(() => {
    messagesMap(doc).set(id, entry);
    const fields = {
      id,
      seq,
      type: 'text',
      sender: 'alice',
      content: secret,
      priority: 'normal',
      createdOn: '2026-01-01T00:00:00.000Z',
      version: 1,
      metadata: { note: secret },
    };
    for (const [k, v] of Object.entries(fields)) entry.set(k, v);
  });
  doc.transact(() => {
    const text = new Y.Text();
    entry.set('rich', text);
    text.insert(0, `${secret} text`, { bold: true }); // ContentString + ContentFormat
    text.insertEmbed(text.length, { image: secret }); // ContentEmbed
    entry.set('blob', new TextEncoder().encode(secret)); // ContentBinary
    const xml = new Y.XmlElement('p'); // ContentType with a name
    entry.set('xml', xml);
    xml.setAttribute('title', secret);
    xml.insert(0, [new Y.XmlText(secret), new Y.XmlHook('hook') as unknown as Y.XmlElement]);
    const list = new Y.Array<unknown>();
    entry.set('list', list);
    list.push([
      1,
      -70000,
      2.5,
      2 ** 40,
      null,
      true,
      false,
      { a: [secret, { b: undefined }] },
      new Uint8Array([1]),
    ]);
    entry.set('sub', new Y.Doc({ guid: `${id}-sub` })); // ContentDoc
    const gone = new Y.Array<string>();
    entry.set('gone', gone);
    gone.push([secret]);
  });
  doc.transact(() => {
    (entry.get('rich') as Y.Text).delete(0, 2); // ContentDeleted
    entry.delete('gone'); // its children become GC structs
  });
};

/** The parts of a rich message that can be compared across docs. */
const snapshot = (doc: Y.Doc, id: string) => {
  const entry = messagesMap(doc).get(id) as Y.Map<unknown> | undefined;
  if (entry === undefined) return undefined;
  return {
    content: entry.get('content'),
    metadata: entry.get('metadata'),
    rich: (entry.get('rich') as Y.Text).toDelta(),
    blob: entry.get('blob'),
    xml: (entry.get('xml') as Y.XmlElement).toString(),
    list: (entry.get('list') as Y.Array<unknown>).toArray(),
    sub: (entry.get('sub') as Y.Doc).guid,
    gone: entry.has('gone'),
  };
};

const containsBytes = (haystack: Uint8Array, text: string): boolean =>
  Buffer.from(haystack).indexOf(Buffer.from(text, 'utf8')) !== -1;

describe('redactUpdate on every kind of Yjs content', () => {
  it('replaces exactly the hidden message inside one update that mixes hidden and visible messages', () => {
    const writer = new Y.Doc();
    writeRichMessage(writer, 'old', 1, `${SECRET}-old`);
    writeRichMessage(writer, 'new', 2, `visible-${SECRET}`);
    writeRichMessage(writer, 'older', 0, `${SECRET}-older`);
    const source = new Y.Doc();
    const hidden = hiddenBefore(2, (id) => ({ old: 1, new: 2, older: 0 })[id]);
    const sent: Uint8Array[] = [];
    source.on('update', (update: Uint8Array) => sent.push(redactUpdate(source, update, hidden)));
    Y.applyUpdate(source, Y.encodeStateAsUpdate(writer));
    expect(sent).toHaveLength(1);
    const redacted = sent[0]!;

    const member = new Y.Doc();
    Y.applyUpdate(member, redacted);
    expect(snapshot(member, 'new')).toEqual(snapshot(source, 'new'));
    expect(snapshot(member, 'new')?.list).toHaveLength(9);
    expect([...messagesMap(member).keys()]).toEqual(['new']);
    expect(containsBytes(redacted, `${SECRET}-old`)).toBe(false);
    expect(containsBytes(redacted, `${SECRET}-older`)).toBe(false);
    expect(containsBytes(redacted, `visible-${SECRET}`)).toBe(true);
    expect(Y.encodeStateVector(member)).toEqual(Y.encodeStateVector(source));
    expect(member.store.pendingStructs).toBeNull();
    expect(member.store.pendingDs).toBeNull();
    // the same struct boundaries as the original: one placeholder per hidden struct
    expect(Y.decodeUpdate(redacted).structs.map((s) => [s.id.client, s.id.clock, s.length])).toEqual(
      Y.decodeUpdate(Y.encodeStateAsUpdate(writer)).structs.map((s) => [s.id.client, s.id.clock, s.length]),
    );
  });

  it('returns the very same update when nothing in it is hidden', () => {
    const source = new Y.Doc();
    let calls = 0;
    source.on('update', (update: Uint8Array) => {
      calls++;
      expect(redactUpdate(source, update, () => false)).toBe(update);
    });
    writeRichMessage(source, 'a', 5, SECRET);
    expect(calls).toBe(3);
  });

  it('throws when the doc has not applied the update', () => {
    const writer = new Y.Doc();
    writeRichMessage(writer, 'a', 1, SECRET);
    expect(() => redactUpdate(new Y.Doc(), Y.encodeStateAsUpdate(writer), () => true)).toThrow(
      /apply the update/,
    );
  });

  it('a redacted full state and a redacted live update give the member the same doc', () => {
    const source = new Y.Doc();
    const live = new Y.Doc();
    const hidden = hiddenBefore(2, (id) => (id === 'a' ? 1 : 2));
    source.on('update', (u: Uint8Array) => Y.applyUpdate(live, redactUpdate(source, u, hidden)));
    writeRichMessage(source, 'a', 1, SECRET);
    writeRichMessage(source, 'b', 2, 'hello');
    const fresh = new Y.Doc();
    Y.applyUpdate(fresh, encodeRedactedState(source, hidden));
    expect(Y.encodeStateAsUpdate(fresh)).toEqual(Y.encodeStateAsUpdate(live));
    expect(snapshot(fresh, 'b')).toEqual(snapshot(source, 'b'));
  });
});

describe('hiddenBefore', () => {
  const index = new Map([
    ['m1', 1],
    ['m5', 5],
    ['m6', 6],
  ]);
  const seqOf = (id: string) => index.get(id);

  it('hides messages below fromSeq and shows the rest', () => {
    const hidden = hiddenBefore(6, seqOf);
    expect(['m1', 'm5', 'm6'].map(hidden)).toEqual([true, true, false]);
  });

  it('hides a message the index does not know (fail closed)', () => {
    expect(hiddenBefore(2, seqOf)('unknown')).toBe(true);
  });

  it('hides nothing with full history (fromSeq 1)', () => {
    const hidden = hiddenBefore(1, seqOf);
    expect(['m1', 'unknown'].map(hidden)).toEqual([false, false]);
  });
});
