/**
 * Text clean-up before analysis: html to text, and removal of what carries no language (links,
 * addresses, mentions, emoji) so detectors see only words.
 */

const namedEntities: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

const decodeEntity = (entity: string, body: string): string => {
  if (body.startsWith('#x') || body.startsWith('#X')) {
    const code = Number.parseInt(body.slice(2), 16);
    return Number.isInteger(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
  }
  if (body.startsWith('#')) {
    const code = Number.parseInt(body.slice(1), 10);
    return Number.isInteger(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
  }
  return namedEntities[body.toLowerCase()] ?? entity;
};

/**
 * The visible text of a chat html message (ACS `html` type): tags dropped, block ends and `<br>` as
 * spaces, common entities decoded. Not a sanitizer — the result is only analysed, never rendered.
 *
 * @example
 * htmlToText('<p>Salut <b>toi</b></p><p>&amp; bye</p>'); // 'Salut toi & bye'
 */
export const htmlToText = (html: string): string =>
  html
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<br\s*\/?>|<\/(p|div|li|h[1-6]|tr|blockquote)\s*>/gi, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});/g, decodeEntity)
    .replace(/\s+/g, ' ')
    .trim();

const urls = /\b(?:https?:\/\/|ftp:\/\/|www\.)\S+/giu;
const emails = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}/gu;
const mentions = /(^|\s)[@#][\p{L}\p{N}_.-]+/gu;
const emoji =
  /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}|\u{200D}|\u{FE0F}|\u{20E3}/gu;

/**
 * Text with links, e-mail addresses, @mentions, #tags and emoji removed and whitespace collapsed —
 * what a language detector should look at.
 *
 * @example
 * stripNonLinguistic('voir https://x.fr 😀 @bob merci'); // 'voir merci'
 */
export const stripNonLinguistic = (text: string): string =>
  text
    .replace(urls, ' ')
    .replace(emails, ' ')
    .replace(mentions, '$1 ')
    .replace(emoji, ' ')
    .replace(/\s+/g, ' ')
    .trim();

const skinTonesAndSelectors = /\p{Emoji_Modifier}|\u{FE0F}|\u{FE0E}/gu;
const pictograph = /\p{Extended_Pictographic}/gu;

/**
 * Text with links removed and each emoji made a word of its own (without skin tone or variation
 * selector), so that lexicon-based sentiment scores "great😍😍" as three tokens.
 *
 * @example
 * separateEmoji('love it❤️👍🏽'); // 'love it ❤ 👍'
 */
export const separateEmoji = (text: string): string =>
  text
    .replace(urls, ' ')
    .replace(skinTonesAndSelectors, '')
    .replace(pictograph, ' $& ')
    .replace(/\s+/g, ' ')
    .trim();
