import { describe, expect, it } from 'vitest';
import { activityLabel, initialOf, isEmojiOnly, joinNames, messageTime, parseUserIds } from './format.ts';

describe('format', () => {
  it('shows emoji-only messages large, ZWJ sequences and flags counted as one', () => {
    expect(isEmojiOnly('🎉🎉')).toBe(true);
    expect(isEmojiOnly(' 👩‍💻 🏳️‍🌈 ')).toBe(true);
    expect(isEmojiOnly('🇫🇷')).toBe(true);
    expect(isEmojiOnly('🎉 party')).toBe(false);
    expect(isEmojiOnly('123')).toBe(false);
    expect(isEmojiOnly('')).toBe(false);
    expect(isEmojiOnly('😀😀😀😀😀😀')).toBe(false);
  });

  it('formats message times by age', () => {
    const now = new Date(2026, 2, 10, 15, 30);
    expect(messageTime(new Date(2026, 2, 10, 9, 5), now)).toBe('09:05');
    expect(messageTime(new Date(2026, 2, 8, 9, 5), now)).toMatch(/^[A-Z][a-z]{2} 09:05$/);
    expect(messageTime(new Date(2025, 11, 24, 18, 0), now)).toBe('2025-12-24 18:00');
  });

  it('labels last activity', () => {
    const now = new Date(2026, 2, 10, 15, 30);
    expect(activityLabel(undefined, now)).toBe('no messages yet');
    expect(activityLabel(new Date(now.getTime() - 20_000), now)).toBe('now');
    expect(activityLabel(new Date(now.getTime() - 5 * 60_000), now)).toBe('5 min');
    expect(activityLabel(new Date(now.getTime() - 3 * 3_600_000), now)).toBe('3 h');
    expect(activityLabel(new Date(2026, 0, 2), now)).toBe('2026-01-02');
  });

  it('joins names and parses user id lists', () => {
    expect(joinNames([])).toBe('');
    expect(joinNames(['Bob'])).toBe('Bob');
    expect(joinNames(['Bob', 'Carol', 'Dan'])).toBe('Bob, Carol and Dan');
    expect(parseUserIds(' bob, carol\n\nbob ,')).toEqual(['bob', 'carol']);
    expect(initialOf('émile')).toBe('É');
    expect(initialOf('👩‍💻 dev')).toBe('👩‍💻');
  });
});
