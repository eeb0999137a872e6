import { type ErrorCode, isParleyError, ParleyError } from '@parley/protocol';
import { isThreadId, isUserId } from './docNames.ts';
import { limits } from './limits.ts';
import type { OpEnvelope, OpPayload, OpType, ParticipantInput } from './ops.ts';
import { opTypes } from './ops.ts';
import type { Metadata, Priority } from './records.ts';

/**
 * Validation of intents. `validateOp` and `validateEnvelope` are total: whatever they are given
 * (parsed JSON, a value read from a Yjs doc, a hostile object with getters or `__proto__` keys)
 * they return a fresh, well-typed value holding only the known fields, or throw a `ParleyError`
 * naming the offending field in `details.field`. Nothing else ever escapes.
 */

// ---- text helpers -----------------------------------------------------------------------------

/**
 * True when `text` is well-formed UTF-16 (every surrogate is part of a pair), i.e. it encodes
 * to UTF-8 without replacement characters. `String.prototype.isWellFormed` is not relied upon.
 *
 * @example
 * isWellFormedText('👍'); // true
 * isWellFormedText('\ud83d'); // false
 */
export const isWellFormedText = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c > 0xdbff) return false;
    const next = text.charCodeAt(i + 1);
    if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
    i++;
  }
  return true;
};

/**
 * UTF-8 byte length of a well-formed string, without encoding it (a lone surrogate counts 3,
 * as TextEncoder's replacement character would).
 *
 * @example
 * utf8ByteLength('é👍'); // 6
 */
export const utf8ByteLength = (text: string): number => {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
};

/** Code points of a string (surrogate pairs count once). */
const codePointLength = (text: string): number => {
  let n = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const c = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      n--;
      i++;
    }
  }
  return n;
};

// ---- field readers ----------------------------------------------------------------------------

type Fields = object;

const fail = (field: string, why: string, code: ErrorCode = 'INVALID_REQUEST'): ParleyError =>
  new ParleyError(code, `Invalid ${field}: ${why}.`, { field });

/**
 * `path.key`, or `key` at the top. The relay validates every intent it applies (bench W1: a
 * fifth of the bytes it allocated per message were validation's), so the names of the fixed
 * fields are made once and reused.
 */
const fieldNames = new Map<string, Map<string, string>>();
const join = (path: string, key: string): string => {
  let names = fieldNames.get(path);
  if (!names) {
    // Only the fixed paths ('', 'op') are cached; a participant's path holds its index.
    if (path !== '' && path !== 'op') return `${path}.${key}`;
    fieldNames.set(path, (names = new Map()));
  }
  let name = names.get(key);
  if (name === undefined) names.set(key, (name = path ? `${path}.${key}` : key));
  return name;
};

/** A plain object (prototype Object.prototype or null); arrays, class instances and null are refused. */
const asFields = (value: unknown, field: string): Fields => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw fail(field, 'must be an object');
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw fail(field, 'must be a plain object');
  return value;
};

/** An own data property, never a getter and never an inherited value; undefined when absent. */
const own = (fields: Fields, key: string, field: string): unknown => {
  const d = Object.getOwnPropertyDescriptor(fields, key);
  if (!d) return undefined;
  if (!('value' in d)) throw fail(field, 'must be a plain value, not an accessor');
  return d.value;
};

const text = (value: unknown, field: string): string => {
  if (typeof value !== 'string') throw fail(field, 'must be a string');
  if (!isWellFormedText(value)) throw fail(field, 'is not well-formed Unicode (lone surrogate)');
  return value;
};

/** A string of at most `max` code points; `code` is thrown when it is longer. */
const boundedText = (value: unknown, field: string, max: number, code: ErrorCode): string => {
  if (typeof value === 'string' && value.length > max * 2) {
    throw fail(field, `is longer than ${max} characters`, code);
  }
  const s = text(value, field);
  if (codePointLength(s) > max) throw fail(field, `is longer than ${max} characters`, code);
  return s;
};

const threadIdField = (value: unknown, field: string): string => {
  if (!isThreadId(value)) throw fail(field, 'is not a thread id (8..64 of A-Z a-z 0-9 _ -)');
  return value;
};

/** A client-made id: a string matching `pattern`, else "is not <what>". */
const idField =
  (pattern: RegExp, what: string) =>
  (value: unknown, field: string): string => {
    if (typeof value !== 'string' || !pattern.test(value)) throw fail(field, `is not ${what}`);
    return value;
  };

const messageIdField = idField(limits.messageIdPattern, 'a message id (8..64 of A-Z a-z 0-9 _ -)');

const userIdField = (value: unknown, field: string): string => {
  if (!isUserId(value) || !isWellFormedText(value)) {
    throw fail(field, 'is not a user id (1..256 characters, no control characters or outer spaces)');
  }
  return value;
};

const content = (value: unknown, field: string): string => {
  if (typeof value === 'string' && value.length > limits.maxContentBytes) {
    throw fail(field, `exceeds ${limits.maxContentBytes} bytes of UTF-8`, 'CONTENT_TOO_LARGE');
  }
  const s = text(value, field);
  if (s.length === 0) throw fail(field, 'must not be empty');
  if (utf8ByteLength(s) > limits.maxContentBytes) {
    throw fail(field, `exceeds ${limits.maxContentBytes} bytes of UTF-8`, 'CONTENT_TOO_LARGE');
  }
  return s;
};

/** A flat string → string record whose JSON is at most `maxBytes` of UTF-8. */
const metadata = (value: unknown, field: string, maxBytes: number): Metadata => {
  const fields = asFields(value, field);
  const out: Metadata = {};
  const tooLarge = () => fail(field, `exceeds ${maxBytes} bytes as JSON`, 'METADATA_TOO_LARGE');
  let bytes = 2; // {}
  for (const key in fields) {
    if (!Object.hasOwn(fields, key)) continue;
    const entryField = `${field}[${JSON.stringify(key.slice(0, 40))}]`;
    if (key === '__proto__') throw fail(entryField, 'is a reserved key');
    if (key.length === 0) throw fail(entryField, 'key must not be empty');
    if (key.length > maxBytes) throw tooLarge();
    const v = own(fields, key, entryField);
    if (typeof v === 'string' && v.length > maxBytes) throw tooLarge();
    const s = text(v, entryField);
    if (!isWellFormedText(key)) throw fail(entryField, 'key is not well-formed Unicode');
    bytes +=
      (bytes > 2 ? 1 : 0) + utf8ByteLength(JSON.stringify(key)) + 1 + utf8ByteLength(JSON.stringify(s));
    if (bytes > maxBytes) throw tooLarge();
    out[key] = s;
  }
  return out;
};

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO 8601 date-time with a zone, a real calendar date; normalised to `toISOString()`. */
const isoTime = (value: unknown, field: string): string => {
  const why = 'is not an ISO 8601 date-time with a time zone';
  if (typeof value !== 'string' || value.length > 64) throw fail(field, why);
  const m = ISO_TIME.exec(value);
  if (!m) throw fail(field, why);
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  const valid =
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth &&
    hour <= 23 &&
    minute <= 59 &&
    (Number.isNaN(second) || second <= 59);
  const time = Date.parse(value);
  if (!valid || Number.isNaN(time)) throw fail(field, why);
  return new Date(time).toISOString();
};

const participants = (value: unknown, field: string, min: number): ParticipantInput[] => {
  if (!Array.isArray(value)) throw fail(field, 'must be an array');
  if (value.length > limits.maxParticipantsPerBatch) {
    throw fail(field, `holds more than ${limits.maxParticipantsPerBatch} participants`, 'BATCH_TOO_LARGE');
  }
  if (value.length < min) throw fail(field, `must hold at least ${min} participant`);
  const seen = new Set<string>();
  const out: ParticipantInput[] = [];
  for (let i = 0; i < value.length; i++) {
    const at = `${field}[${i}]`;
    const p = asFields(own(value, String(i), at), at);
    const id = userIdField(own(p, 'id', `${at}.id`), `${at}.id`);
    if (seen.has(id)) throw fail(`${at}.id`, 'repeats an earlier participant');
    seen.add(id);
    const displayName = optional(p, 'displayName', at, (v, f) =>
      boundedText(v, f, limits.maxDisplayNameChars, 'INVALID_REQUEST'),
    );
    const shareHistoryTime = optional(p, 'shareHistoryTime', at, isoTime);
    const meta = optional(p, 'metadata', at, (v, f) => metadata(v, f, limits.maxParticipantMetadataBytes));
    out.push({
      id,
      ...(displayName === undefined ? {} : { displayName }),
      ...(shareHistoryTime === undefined ? {} : { shareHistoryTime }),
      ...(meta === undefined ? {} : { metadata: meta }),
    });
  }
  return out;
};

/** Reads an optional field: absent or undefined gives undefined, anything else must pass `check`. */
const optional = <T>(
  fields: Fields,
  key: string,
  path: string,
  check: (value: unknown, field: string) => T,
): T | undefined => {
  const field = join(path, key);
  const v = own(fields, key, field);
  return v === undefined ? undefined : check(v, field);
};

const required = <T>(
  fields: Fields,
  key: string,
  path: string,
  check: (value: unknown, field: string) => T,
): T => {
  const field = join(path, key);
  const v = own(fields, key, field);
  if (v === undefined) throw fail(field, 'is required');
  return check(v, field);
};

/** Sets `out[key]` when `value` is defined, so outputs never hold `undefined` values. */
const put = <T extends object, K extends keyof T>(out: T, key: K, value: T[K] | undefined): void => {
  if (value !== undefined) out[key] = value;
};

// ---- ops --------------------------------------------------------------------------------------

const topic = (v: unknown, f: string) => boundedText(v, f, limits.maxTopicChars, 'TOPIC_TOO_LONG');
const threadMeta = (v: unknown, f: string) => metadata(v, f, limits.maxThreadMetadataBytes);
const messageMeta = (v: unknown, f: string) => metadata(v, f, limits.maxMessageMetadataBytes);
const displayName = (v: unknown, f: string) =>
  boundedText(v, f, limits.maxDisplayNameChars, 'INVALID_REQUEST');
const anyParticipants = (v: unknown, f: string) => participants(v, f, 0);
const someParticipants = (v: unknown, f: string) => participants(v, f, 1);

const emoji = (v: unknown, f: string): string => {
  const s = boundedText(v, f, limits.maxEmojiChars, 'INVALID_REQUEST');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (s.length === 0 || /[\u0000-\u0020\u007f]/.test(s)) throw fail(f, 'must be a non-empty emoji');
  return s;
};

const oneOf =
  <T extends string>(allowed: readonly T[]) =>
  (v: unknown, f: string): T => {
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
      throw fail(f, `must be one of ${allowed.join(', ')}`);
    }
    return v as T;
  };

const boolean = (v: unknown, f: string): boolean => {
  if (typeof v !== 'boolean') throw fail(f, 'must be true or false');
  return v;
};

const opType = oneOf<OpType>(opTypes);
const messageType = oneOf(['text', 'html'] as const);
const priority = oneOf<Priority>(['normal', 'high']);

// Fields are read in the order they are listed (the first invalid one is the one reported).
const parseOp = (input: unknown, path: string): OpPayload => {
  const o = asFields(input, path || 'op');
  const type = required(o, 'type', path, opType);
  const threadId = required(o, 'threadId', path, threadIdField);
  switch (type) {
    case 'createThread': {
      const out: Extract<OpPayload, { type: 'createThread' }> = {
        type,
        threadId,
        topic: required(o, 'topic', path, topic),
        participants: optional(o, 'participants', path, anyParticipants) ?? [],
      };
      put(out, 'metadata', optional(o, 'metadata', path, threadMeta));
      return out;
    }
    case 'updateThread': {
      const out: Extract<OpPayload, { type: 'updateThread' }> = { type, threadId };
      put(out, 'topic', optional(o, 'topic', path, topic));
      put(out, 'metadata', optional(o, 'metadata', path, threadMeta));
      if (out.topic === undefined && out.metadata === undefined) {
        throw fail(join(path, 'topic'), 'updateThread needs a topic or metadata');
      }
      return out;
    }
    case 'deleteThread':
      return { type, threadId };
    case 'addParticipants':
      return { type, threadId, participants: required(o, 'participants', path, someParticipants) };
    case 'removeParticipant':
      return { type, threadId, userId: required(o, 'userId', path, userIdField) };
    case 'sendMessage': {
      const out: Extract<OpPayload, { type: 'sendMessage' }> = {
        type,
        threadId,
        messageId: required(o, 'messageId', path, messageIdField),
        content: required(o, 'content', path, content),
        messageType: optional(o, 'messageType', path, messageType) ?? 'text',
      };
      put(out, 'senderDisplayName', optional(o, 'senderDisplayName', path, displayName));
      put(out, 'metadata', optional(o, 'metadata', path, messageMeta));
      put(out, 'priority', optional(o, 'priority', path, priority));
      put(out, 'replyTo', optional(o, 'replyTo', path, messageIdField));
      return out;
    }
    case 'editMessage': {
      const out: Extract<OpPayload, { type: 'editMessage' }> = {
        type,
        threadId,
        messageId: required(o, 'messageId', path, messageIdField),
      };
      put(out, 'content', optional(o, 'content', path, content));
      put(out, 'metadata', optional(o, 'metadata', path, messageMeta));
      if (out.content === undefined && out.metadata === undefined) {
        throw fail(join(path, 'content'), 'editMessage needs content or metadata');
      }
      return out;
    }
    case 'deleteMessage':
    case 'sendReadReceipt':
      return { type, threadId, messageId: required(o, 'messageId', path, messageIdField) };
    case 'react':
      return {
        type,
        threadId,
        messageId: required(o, 'messageId', path, messageIdField),
        emoji: required(o, 'emoji', path, emoji),
        on: required(o, 'on', path, boolean),
      };
  }
};

/** Turns anything thrown while reading a hostile value (a Proxy trap, a stack overflow) into a ParleyError. */
const total = <T>(path: string, run: () => T): T => {
  try {
    return run();
  } catch (error) {
    if (isParleyError(error)) throw error;
    throw new ParleyError('INVALID_REQUEST', `Invalid ${path}: the value could not be read.`, {
      field: path,
    });
  }
};

/**
 * Checks an intent and returns a fresh copy with only its known fields (times normalised,
 * `messageType` defaulted to `'text'`). Throws `ParleyError` — `INVALID_REQUEST` with
 * `details.field`, or `CONTENT_TOO_LARGE`, `METADATA_TOO_LARGE`, `TOPIC_TOO_LONG`, `BATCH_TOO_LARGE`.
 *
 * @example
 * const op = validateOp(JSON.parse(body));
 * // → { type: 'sendMessage', threadId, messageId, content, messageType: 'text' }
 */
export const validateOp = (input: unknown): OpPayload => total('op', () => parseOp(input, ''));

/**
 * Checks an op envelope as a device writes it into `user:<id>` → `ops`: `id` (op id pattern),
 * `device` (1..64 of the safe alphabet), `n` (positive safe integer), `createdOn` (a string, shown,
 * never trusted) and `op` (see `validateOp`; its fields are reported as `op.<field>`).
 *
 * @example
 * for (const raw of opsMap(userDoc).values()) {
 *   try { apply(validateEnvelope(raw)); } catch (e) { reject(raw, e); }
 * }
 */
export const validateEnvelope = (input: unknown): OpEnvelope => total('envelope', () => parseEnvelope(input));

const opId = idField(limits.opIdPattern, 'an op id (8..64 of A-Z a-z 0-9 _ -)');
const deviceId = idField(limits.deviceIdPattern, 'a device id (1..64 of A-Z a-z 0-9 _ -)');
const opNumber = (v: unknown, f: string): number => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
    throw fail(f, 'must be a positive safe integer');
  }
  return v;
};
const createdOn = (v: unknown, f: string): string => {
  if (typeof v === 'string' && v.length > limits.maxCreatedOnLength) {
    throw fail(f, `is longer than ${limits.maxCreatedOnLength} characters`);
  }
  return text(v, f);
};

const parseEnvelope = (input: unknown): OpEnvelope => {
  const o = asFields(input, 'envelope');
  return {
    id: required(o, 'id', '', opId),
    device: required(o, 'device', '', deviceId),
    n: required(o, 'n', '', opNumber),
    createdOn: required(o, 'createdOn', '', createdOn),
    op: required(o, 'op', '', parseOp),
  };
};
