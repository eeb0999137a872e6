/** Display helpers: times, names, and emoji-only detection. Pure functions, no DOM. */

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A message time: `14:05` today, `Mon 14:05` this week, else `2026-03-01 14:05`.
 *
 * @example
 * messageTime(new Date(), new Date()); // '14:05'
 */
export const messageTime = (at: Date, now: Date = new Date()): string => {
  const hm = `${pad(at.getHours())}:${pad(at.getMinutes())}`;
  const sameDay = at.toDateString() === now.toDateString();
  if (sameDay) return hm;
  const ageMs = now.getTime() - at.getTime();
  if (ageMs >= 0 && ageMs < 6 * 86_400_000)
    return `${at.toLocaleDateString('en', { weekday: 'short' })} ${hm}`;
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${hm}`;
};

/**
 * Last activity for the thread list: `now`, `5 min`, `3 h`, else the date.
 *
 * @example
 * activityLabel(new Date(Date.now() - 120_000)); // '2 min'
 */
export const activityLabel = (at: Date | undefined, now: Date = new Date()): string => {
  if (!at) return 'no messages yet';
  const s = Math.max(0, Math.round((now.getTime() - at.getTime()) / 1000));
  if (s < 60) return 'now';
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h`;
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
};

/** An ISO string for `<time datetime>`. */
export const isoTime = (at: Date): string => at.toISOString();

/** Whether a text is only emoji (and spaces), at most `max` of them: shown large. */
export const isEmojiOnly = (text: string, max = 5): boolean => {
  const trimmed = text.trim();
  if (trimmed === '') return false;
  const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
  let count = 0;
  for (const { segment } of segmenter.segment(trimmed)) {
    if (/^\s+$/u.test(segment)) continue;
    if (!/\p{Extended_Pictographic}|\p{Regional_Indicator}/u.test(segment)) return false;
    if (/[\p{L}\p{N}]/u.test(segment.replace(/[\u{1F1E6}-\u{1F1FF}]/gu, ''))) return false;
    if (++count > max) return false;
  }
  return count > 0;
};

/** A short initial for avatars, grapheme-aware (an emoji name keeps its emoji). */
export const initialOf = (name: string): string => {
  const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
  for (const { segment } of segmenter.segment(name.trim())) return segment.toUpperCase();
  return '?';
};

/** A list of names for people: `Bob`, `Bob and Carol`, `Bob, Carol and Dan`. */
export const joinNames = (names: readonly string[]): string => {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
};

/**
 * Parses "bob, carol" (user ids, comma or newline separated) into unique ids.
 *
 * @example
 * parseUserIds('bob, carol\nbob'); // ['bob', 'carol']
 */
export const parseUserIds = (input: string): string[] => [
  ...new Set(
    input
      .split(/[,\n]/)
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  ),
];
