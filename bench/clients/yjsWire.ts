/**
 * Shared pieces of the y-websocket and Hocuspocus clients: the y-protocols sync reply in scan
 * mode (an empty state vector and an empty update, never applying anything) or doc mode.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { ONE_DOC_MESSAGES } from '../servers/oneDoc.ts';

export const EMPTY_SV = new Uint8Array([0]);
export const EMPTY_UPDATE = new Uint8Array([0, 0]);

/** Writes `[step, varUint8Array(body)]` after whatever prefix the encoder already holds. */
export const writeSync = (e: encoding.Encoder, step: number, body: Uint8Array): Uint8Array => {
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, step);
  encoding.writeVarUint8Array(e, body);
  return encoding.toUint8Array(e);
};

/**
 * Handles a y-protocols sync message (after the message type was read): returns the reply body
 * for step 1, applies steps 2 and updates in doc mode, and says whether it was step 2.
 */
export const handleSync = (
  d: decoding.Decoder,
  doc: Y.Doc | undefined,
): { reply?: Uint8Array; step2: boolean } => {
  const step = decoding.readVarUint(d);
  const body = decoding.readVarUint8Array(d);
  if (step === 0) return { reply: doc ? Y.encodeStateAsUpdate(doc, body) : EMPTY_UPDATE, step2: false };
  if (doc) Y.applyUpdate(doc, body, 'remote');
  return { step2: step === 1 };
};

/**
 * Writes chat messages as independent updates from a never-synced writer doc (a new key of the
 * `messages` map needs no remote state), and typing/receipts as awareness.
 */
export class OneDocWriter {
  readonly #doc = new Y.Doc();
  readonly #awareness = new Awareness(new Y.Doc());
  #seq = 0;
  readonly #member: string;

  constructor(member: string) {
    this.#member = member;
  }

  message(id: string, content: string): Uint8Array {
    let out: Uint8Array = EMPTY_UPDATE;
    const capture = (u: Uint8Array) => {
      out = u;
    };
    this.#doc.once('update', capture);
    this.#doc.getMap(ONE_DOC_MESSAGES).set(id, {
      id,
      seq: ++this.#seq,
      sender: this.#member,
      content,
      createdOn: new Date().toISOString(),
    });
    return out;
  }

  typing(): Uint8Array {
    this.#awareness.setLocalStateField('typing', { at: Date.now(), displayName: this.#member });
    return encodeAwarenessUpdate(this.#awareness, [this.#awareness.clientID]);
  }

  receipt(messageId: string): Uint8Array {
    this.#awareness.setLocalStateField('read', { messageId, at: Date.now() });
    return encodeAwarenessUpdate(this.#awareness, [this.#awareness.clientID]);
  }

  close(): void {
    this.#awareness.destroy();
  }
}
