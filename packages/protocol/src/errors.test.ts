import { describe, expect, it } from 'vitest';
import {
  closeCodeOf,
  type ErrorCode,
  errorCodes,
  httpStatusOf,
  isErrorCode,
  isParleyError,
  ParleyError,
} from './errors.ts';

const codes = Object.keys(errorCodes) as ErrorCode[];

describe('error table', () => {
  it.each(codes)('%s has an HTTP status, a close code and a message', (code) => {
    const entry = errorCodes[code];
    expect(entry.status).toBeGreaterThanOrEqual(400);
    expect(entry.status).toBeLessThan(600);
    // close codes: standard ones a server may send, or Parley's private range 4000-4999
    expect(
      [1008, 1009, 1011, 1013].includes(entry.close) || (entry.close >= 4000 && entry.close <= 4999),
    ).toBe(true);
    expect(entry.message.length).toBeGreaterThan(0);
    expect(entry.message.endsWith('.')).toBe(true);
    expect(httpStatusOf(code)).toBe(entry.status);
    expect(closeCodeOf(code)).toBe(entry.close);
  });

  it('codes are upper snake case', () => {
    for (const code of codes) expect(code).toMatch(/^[A-Z][A-Z0-9_]*$/);
  });

  it('isErrorCode accepts the table keys only (not inherited names)', () => {
    for (const code of codes) expect(isErrorCode(code)).toBe(true);
    for (const v of ['toString', '__proto__', 'constructor', 'nope', '', 1, null, undefined]) {
      expect(isErrorCode(v)).toBe(false);
    }
  });
});

describe('ParleyError', () => {
  it('carries code, default message, status and details', () => {
    const e = new ParleyError('THREAD_NOT_FOUND');
    expect(e).toBeInstanceOf(Error);
    expect(isParleyError(e)).toBe(true);
    expect(isParleyError(new Error('x'))).toBe(false);
    expect(e.name).toBe('ParleyError');
    expect(e.code).toBe('THREAD_NOT_FOUND');
    expect(e.message).toBe(errorCodes.THREAD_NOT_FOUND.message);
    expect(e.status).toBe(404);
    expect(e.details).toBeUndefined();
  });

  it('toJSON gives code and message, and a copy of details when present', () => {
    expect(JSON.parse(JSON.stringify(new ParleyError('FORBIDDEN', 'no')))).toEqual({
      code: 'FORBIDDEN',
      message: 'no',
    });
    const details = { field: 'content', limit: 28672 };
    const e = new ParleyError('CONTENT_TOO_LARGE', 'too big', details);
    const json = e.toJSON();
    expect(json).toEqual({ code: 'CONTENT_TOO_LARGE', message: 'too big', details });
    expect(json.details).not.toBe(details);
    expect(JSON.parse(JSON.stringify(e))).toEqual(json);
  });

  it.each(codes)('%s survives a JSON round trip as the same code', (code) => {
    const back = JSON.parse(JSON.stringify(new ParleyError(code)));
    expect(isErrorCode(back.code)).toBe(true);
    expect(back.code).toBe(code);
  });
});
