import * as Y from 'yjs';

/**
 * Updates of one doc edited by three peers that sync after each change (as through a relay),
 * in an order a fresh doc integrates without pending structs: inserts, formatting, map writes,
 * deletions, from several client ids.
 */
export function threePeerUpdates(): Uint8Array[] {
  const peers = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
  const updates: Uint8Array[] = [];
  peers.forEach((peer, i) => {
    peer.clientID = 1000 + i;
    peer.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === 'sync') return;
      updates.push(update);
      for (const other of peers) if (other !== peer) Y.applyUpdate(other, update, 'sync');
    });
  });
  const [a, b, c] = peers as [Y.Doc, Y.Doc, Y.Doc];
  a.getText('t').insert(0, 'hello world');
  b.getText('t').insert(5, ', dear');
  c.getMap('m').set('emoji', '👩‍👩‍👧 مرحبا');
  a.getText('t').delete(0, 2);
  b.getMap('m').set('n', 42);
  c.getText('t').format(0, 3, { bold: true });
  a.getMap('m').delete('n');
  const list = b.getArray<string>('list');
  for (let i = 0; i < 20; i++) list.push([`item ${i}`]);
  c.getArray<string>('list').delete(3, 7);
  a.getMap('m').set('nested', new Y.Map());
  for (const peer of peers) peer.destroy();
  return updates;
}

/** Applies a stored snapshot and log to a fresh doc and encodes its whole state. */
export function encodeLoaded(loaded: {
  snapshot: Uint8Array | null;
  updates: readonly { update: Uint8Array }[];
}): Uint8Array {
  return encodeApplied([
    ...(loaded.snapshot ? [loaded.snapshot] : []),
    ...loaded.updates.map((u) => u.update),
  ]);
}

/** Applies updates in order to a fresh doc and encodes its whole state. */
export function encodeApplied(updates: readonly Uint8Array[]): Uint8Array {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
}
