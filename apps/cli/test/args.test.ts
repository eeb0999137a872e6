import { describe, expect, it } from 'vitest';
import { parseInvocation } from '../src/args.ts';
import { UsageError } from '../src/errors.ts';

// Thread ids are drawn from `A–Z a–z 0–9 _ -`: one in 64 starts with `-`, one in 4,096 with `--`.
describe('ids that start with a dash', () => {
  it('are taken as the thread id, not as flags', () => {
    expect(parseInvocation(['thread', '-xK3pQ9aLm2Zt7YbVw1Rc0D', '--json']).positionals).toEqual([
      '-xK3pQ9aLm2Zt7YbVw1Rc0D',
    ]);
    expect(parseInvocation(['thread', '--K3pQ9aLm2Zt7YbVw1Rc0D']).positionals).toEqual([
      '--K3pQ9aLm2Zt7YbVw1Rc0D',
    ]);
    const m = parseInvocation(['messages', '-xK3pQ9aLm2Zt7YbVw1Rc0D', '--limit', '5', '--ndjson']);
    expect(m).toMatchObject({
      positionals: ['-xK3pQ9aLm2Zt7YbVw1Rc0D'],
      values: { limit: '5', ndjson: true },
    });
  });

  it('are taken as the value of the option before them', () => {
    const m = parseInvocation(['messages', 'T1abcdefgh', '--as', '-bob', '--from-seq', '3']);
    expect(m).toMatchObject({ positionals: ['T1abcdefgh'], values: { as: '-bob', 'from-seq': '3' } });
    expect(parseInvocation(['messages', 'T1abcdefgh', '--as', '--weird-user']).values.as).toBe(
      '--weird-user',
    );
    expect(parseInvocation(['messages', 'T1abcdefgh', '--as=-bob']).values.as).toBe('-bob');
    expect(parseInvocation(['thread', '--', '-xK3pQ9aLm2Zt7YbVw1Rc0D']).positionals).toEqual([
      '-xK3pQ9aLm2Zt7YbVw1Rc0D',
    ]);
  });

  it('still refuses unknown short flags and stray arguments', () => {
    expect(() => parseInvocation(['thread', 'T1abcdefgh', '-json'])).toThrow(UsageError);
    expect(() => parseInvocation(['thread', 'T1abcdefgh', '--frobnicate'])).toThrow(
      /unexpected argument "--frobnicate"/,
    );
    expect(() => parseInvocation(['thread', 'T1abcdefgh', '--nope'])).toThrow(/Unknown option '--nope'/);
    expect(parseInvocation(['thread', '-h']).values.help).toBe(true);
  });
});
