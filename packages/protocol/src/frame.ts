import { ParleyError } from './errors.ts';
import { isMessageType, type MessageTypeId } from './messageTypes.ts';

/**
 * A frame of the multiplexed socket: `varString(docName) • varUint(type) • payload`.
 * The payload runs to the end of the WebSocket message; one WebSocket message holds one frame.
 */
export interface Frame {
  /** `''` for session-level frames (Auth, AuthResult, Ping, Pong, session errors). */
  readonly docName: string;
  readonly type: MessageTypeId;
  readonly payload: Uint8Array;
}

export interface FrameLimits {
  /** Largest whole frame accepted, in bytes. */
  readonly maxFrameBytes: number;
  /** Largest doc name accepted, in UTF-8 bytes. */
  readonly maxNameBytes: number;
}

export const defaultFrameLimits: FrameLimits = {
  maxFrameBytes: 1024 * 1024,
  maxNameBytes: 512,
};

/** Varints are capped at 5 bytes: no length or type in Parley reaches 2^32. */
const MAX_VARINT_BYTES = 5;

const utf8 = new TextEncoder();
/** `ignoreBOM` keeps a leading U+FEFF in a name: without it the decoder would silently drop it. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const varUintSize = (n: number): number => {
  let size = 1;
  while (n > 0x7f) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
};

const writeVarUint = (buf: Uint8Array, pos: number, n: number): number => {
  while (n > 0x7f) {
    buf[pos++] = 0x80 | (n & 0x7f);
    n = Math.floor(n / 128);
  }
  buf[pos++] = n;
  return pos;
};

/**
 * Encodes a frame. Throws a plain Error for programmer errors (unknown type), never for input.
 *
 * @example
 * ws.send(encodeFrame({ docName: 'thread:abc', type: MessageType.Sync, payload }));
 */
export const encodeFrame = (frame: Frame): Uint8Array => {
  if (!isMessageType(frame.type)) throw new Error(`unknown message type ${frame.type}`);
  const name = utf8.encode(frame.docName);
  const size = varUintSize(name.length) + name.length + varUintSize(frame.type) + frame.payload.length;
  const out = new Uint8Array(size);
  let pos = writeVarUint(out, 0, name.length);
  out.set(name, pos);
  pos += name.length;
  pos = writeVarUint(out, pos, frame.type);
  out.set(frame.payload, pos);
  return out;
};

const malformed = (why: string): ParleyError =>
  new ParleyError('MALFORMED_FRAME', `Malformed frame: ${why}.`);

/** Reads a bounded varuint at `pos`; returns [value, nextPos]. */
const readVarUint = (buf: Uint8Array, pos: number, what: string): [number, number] => {
  let value = 0;
  let mult = 1;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    const byte = buf[pos + i];
    if (byte === undefined) throw malformed(`${what} is truncated`);
    value += (byte & 0x7f) * mult;
    if (byte < 0x80) {
      if (i > 0 && byte === 0) throw malformed(`${what} is not minimally encoded`);
      return [value, pos + i + 1];
    }
    mult *= 128;
  }
  throw malformed(`${what} is longer than ${MAX_VARINT_BYTES} bytes`);
};

/**
 * Decodes one frame. Total: any input either yields a frame or throws `ParleyError` with code
 * `MALFORMED_FRAME` (or `FRAME_TOO_LARGE`); it never allocates more than the input's size.
 * The payload is a view into `data`, not a copy.
 */
export const decodeFrame = (data: Uint8Array, limits: FrameLimits = defaultFrameLimits): Frame => {
  if (!(data instanceof Uint8Array)) throw malformed('not binary');
  if (data.length > limits.maxFrameBytes) {
    throw new ParleyError(
      'FRAME_TOO_LARGE',
      `Frame of ${data.length} bytes exceeds ${limits.maxFrameBytes}.`,
    );
  }
  const [nameLen, afterLen] = readVarUint(data, 0, 'doc name length');
  if (nameLen > limits.maxNameBytes) throw malformed(`doc name longer than ${limits.maxNameBytes} bytes`);
  if (afterLen + nameLen > data.length) throw malformed('doc name is truncated');
  let docName: string;
  try {
    docName = strictUtf8.decode(data.subarray(afterLen, afterLen + nameLen));
  } catch {
    throw malformed('doc name is not UTF-8');
  }
  const [type, afterType] = readVarUint(data, afterLen + nameLen, 'message type');
  if (!isMessageType(type)) throw malformed(`unknown message type ${type}`);
  return { docName, type, payload: data.subarray(afterType) };
};
