/**
 * The emoji palette of the composer and `:shortcode:` expansion. Plain Unicode (ZWJ sequences and
 * flags included), so that messages round-trip byte-exact through the relay.
 */

export interface EmojiEntry {
  readonly emoji: string;
  readonly name: string;
}

/** The palette, in display order. */
export const EMOJI: readonly EmojiEntry[] = [
  { emoji: '😀', name: 'grinning' },
  { emoji: '😂', name: 'joy' },
  { emoji: '🙂', name: 'smile' },
  { emoji: '😉', name: 'wink' },
  { emoji: '😍', name: 'heart_eyes' },
  { emoji: '🤔', name: 'thinking' },
  { emoji: '😮', name: 'open_mouth' },
  { emoji: '😢', name: 'cry' },
  { emoji: '😡', name: 'angry' },
  { emoji: '😴', name: 'sleeping' },
  { emoji: '🥳', name: 'party' },
  { emoji: '🙏', name: 'pray' },
  { emoji: '👍', name: 'thumbsup' },
  { emoji: '👎', name: 'thumbsdown' },
  { emoji: '👏', name: 'clap' },
  { emoji: '🙌', name: 'raised_hands' },
  { emoji: '👋', name: 'wave' },
  { emoji: '💪', name: 'muscle' },
  { emoji: '❤️', name: 'heart' },
  { emoji: '🔥', name: 'fire' },
  { emoji: '✨', name: 'sparkles' },
  { emoji: '🎉', name: 'tada' },
  { emoji: '✅', name: 'check' },
  { emoji: '❌', name: 'x' },
  { emoji: '⚠️', name: 'warning' },
  { emoji: '☕', name: 'coffee' },
  { emoji: '🍕', name: 'pizza' },
  { emoji: '🚀', name: 'rocket' },
  { emoji: '👀', name: 'eyes' },
  { emoji: '💯', name: '100' },
  { emoji: '👩‍💻', name: 'technologist' },
  { emoji: '🏳️‍🌈', name: 'rainbow_flag' },
];

const byName = new Map(EMOJI.map((e) => [e.name, e.emoji]));

/**
 * Replaces known `:name:` shortcodes with their emoji; unknown ones stay as typed.
 *
 * @example
 * expandShortcodes('ship it :rocket:'); // 'ship it 🚀'
 */
export const expandShortcodes = (text: string): string =>
  text.replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => byName.get(name) ?? whole);
